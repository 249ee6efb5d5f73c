/**
 * A model grades the answer: it reads the conversation and the answer and replies `SCORE: <0-10>`. Its
 * call goes through the executor like any attempt (recorded, priced, within the request's deadline).
 */

import type { VerifierModelSettings } from '../../config/resolved.ts';
import { toGatewayError } from '../../core/errors.ts';
import type { ChatRequest } from '../../core/request.ts';
import type { ChatResponse } from '../../core/response.ts';
import type { CheckResult } from './verdict.ts';
import { answerText, transcriptOf } from './transcript.ts';

export const DEFAULT_GRADER_INSTRUCTIONS = `You review an AI assistant's answer before it is sent to the user.
Judge it for correctness, completeness, following the user's instructions, and safety.
Reply with exactly one line "SCORE: <0-10>" and then one short line giving the reason.
10: correct and complete. 7: correct with minor issues. 4: partly wrong or incomplete.
0: wrong, harmful, or an unwarranted refusal.`;

/** Enough for the score line and a reason; a grader that rambles is cut, not paid for. */
const GRADER_MAX_TOKENS = 64;

/** Calls a model through the executor (as a recorded verifier attempt) and returns its answer. */
export type GraderCall = (model: string, request: ChatRequest) => Promise<ChatResponse>;

export function gradingRequest(
  settings: VerifierModelSettings,
  request: ChatRequest,
  answer: ChatResponse,
): ChatRequest {
  const review = `Conversation:\n\n${transcriptOf(request.messages)}\n\nAnswer to review:\n\n${answerText(answer)}`;
  return {
    model: settings.model,
    messages: [
      {
        role: 'system',
        content: [{ type: 'text', text: settings.instructions ?? DEFAULT_GRADER_INSTRUCTIONS }],
      },
      { role: 'user', content: [{ type: 'text', text: review }] },
    ],
    sampling: { temperature: 0 },
    maxOutputTokens: GRADER_MAX_TOKENS,
    stream: false,
    includeUsage: false,
    metadata: request.metadata,
  };
}

/** The grade in a grader's reply: `SCORE: 7`, `score=7.5`, or a bare APPROVE / REJECT. */
export function parseGrade(text: string): number | undefined {
  const scored = /\bscore\s*[:=]?\s*(\d+(?:\.\d+)?)/iu.exec(text);
  if (scored !== null) {
    const score = Number(scored[1]);
    return score >= 0 && score <= 10 ? score : undefined;
  }
  const word = /^\W*(approved?|accept(?:ed)?|reject(?:ed)?)\b/iu.exec(text)?.[1]?.toLowerCase();
  if (word === undefined) return undefined;
  return word.startsWith('reject') ? 0 : 10;
}

export async function gradeWithModel(
  settings: VerifierModelSettings,
  request: ChatRequest,
  answer: ChatResponse,
  call: GraderCall,
): Promise<CheckResult> {
  let reply: ChatResponse;
  try {
    reply = await call(settings.model, gradingRequest(settings, request, answer));
  } catch (error) {
    const failure = toGatewayError(error);
    return {
      check: 'model',
      passed: false,
      reason: `${settings.model} failed: ${failure.code}`,
      verifierFailed: true,
    };
  }
  const score = parseGrade(reply.text);
  if (score === undefined) {
    const said = reply.text.trim().slice(0, 60);
    return {
      check: 'model',
      passed: false,
      reason: `no grade in the reply ("${said}")`,
      verifierFailed: true,
    };
  }
  return score >= settings.minScore
    ? { check: 'model', passed: true, reason: `score ${score} >= ${settings.minScore}`, score }
    : { check: 'model', passed: false, reason: `score ${score} < ${settings.minScore}`, score };
}
