/**
 * Context fitting by trimming: shortens a request that does not fit its target's window.
 *
 * 1. System messages and the latest user message are pinned. If they fit, the history gives way, oldest
 *    first: whole units (a tool call travels with its results), and — before the latest user turn — only
 *    down to a user message, so the kept conversation still opens with one. The one old message that is
 *    then partly needed (a lone text message) keeps its end, in whole sentences.
 * 2. If the pinned messages alone exceed the budget, all history goes and they are trimmed at sentence
 *    boundaries: the latest user turn may keep up to `reservedForLatestTurn` tokens whatever the system
 *    prompt needs, and everything the system prompt leaves; the system prompt keeps its start (its opening
 *    instructions), the latest user turn its end (the question usually comes last).
 * Images are never cut: a history message with images is kept or dropped whole; a pinned one keeps them.
 * No marker is inserted where text was cut; the actions record every change for the routing explain.
 */

import type { TokenizerFamily } from '../../core/model.ts';
import type { ChatRequest, Message, Role } from '../../core/request.ts';
import { countPromptTokens, TOKENS_PER_MESSAGE } from '../../features/tokens.ts';
import { type HistoryUnit, historyUnits } from './history-units.ts';
import {
  fixedPromptTokens,
  hasText,
  messageTokens,
  type TrimmedMessage,
  trimMessageText,
} from './message-trim.ts';
import type { KeepEnd } from './sentences.ts';

export interface TrimOptions {
  /** Tokens the prompt may use: the target's window minus the output it must leave room for. */
  readonly budgetTokens: number;
  readonly family: TokenizerFamily;
  /**
   * When the system prompt and the latest user turn alone exceed the budget: the tokens the latest user
   * turn may keep however much the system prompt wants (clamped to the budget). Default: half of the budget
   * left after the reply priming and tool schemas.
   */
  readonly reservedForLatestTurn?: number;
}

/**
 * What trimming did, in order. Indices point into the original request's messages; token figures are
 * message costs as countPromptTokens charges them (text, images, per-message overhead).
 */
export type TrimAction =
  | {
      readonly kind: 'dropped-messages';
      readonly count: number;
      readonly tokens: number;
      readonly indices: readonly number[];
    }
  | {
      readonly kind: 'trimmed-message';
      readonly index: number;
      readonly role: Role;
      /** Which end of the text was kept. */
      readonly kept: KeepEnd;
      /** `word` when even one sentence exceeded the allowance and was cut between words. */
      readonly boundary: 'sentence' | 'word';
      readonly fromTokens: number;
      readonly toTokens: number;
    };

export interface TrimResult {
  /** The trimmed request; when `fits` is false, the closest attempt (for the record — do not send it). */
  readonly request: ChatRequest;
  /** The prompt is within the budget and the latest user turn kept some of its text. */
  readonly fits: boolean;
  /** countPromptTokens of `request`. */
  readonly promptTokens: number;
  readonly actions: readonly TrimAction[];
}

/** What happens to each original message: kept as is (absent), replaced by a trimmed copy, or dropped. */
type Edits = Map<number, Message | 'dropped'>;

export function trimToFit(request: ChatRequest, options: TrimOptions): TrimResult {
  const { budgetTokens: budget, family } = options;
  const originalTokens = countPromptTokens(request, family);
  if (originalTokens <= budget) return { request, fits: true, promptTokens: originalTokens, actions: [] };

  const { messages } = request;
  const latestUser = messages.findLastIndex((message) => message.role === 'user');
  const isPinned = (index: number): boolean => index === latestUser || messages[index]?.role === 'system';
  const tokens = messages.map((message) => messageTokens(message, family));
  const units = historyUnits(messages, isPinned, latestUser, tokens);
  const fixed = fixedPromptTokens(request, family);
  const pinnedTokens = messages.reduce(
    (sum, _, index) => sum + (isPinned(index) ? tokens[index]! : 0),
    fixed,
  );

  const edits: Edits = new Map();
  const actions: TrimAction[] = [];
  const context: FitContext = { messages, tokens, family, edits, actions };
  if (pinnedTokens <= budget) {
    fitHistory(context, units, budget - pinnedTokens);
  } else {
    dropMessages(
      context,
      units.flatMap((unit) => unit.indices),
    );
    fitPinned(context, latestUser, budget - fixed, options.reservedForLatestTurn);
  }

  const trimmed: ChatRequest = {
    ...request,
    messages: messages.flatMap((message, index) => {
      const edit = edits.get(index);
      if (edit === 'dropped') return [];
      return [edit ?? message];
    }),
  };
  const promptTokens = countPromptTokens(trimmed, family);
  const latestEdit = edits.get(latestUser);
  // Never dropped, but possibly trimmed to nothing when not even a word of it fits.
  const latestTurnLost = latestEdit !== undefined && latestEdit !== 'dropped' && !hasText(latestEdit);
  return { request: trimmed, fits: promptTokens <= budget && !latestTurnLost, promptTokens, actions };
}

interface FitContext {
  readonly messages: readonly Message[];
  readonly tokens: readonly number[];
  readonly family: TokenizerFamily;
  readonly edits: Edits;
  readonly actions: TrimAction[];
}

/**
 * Keeps the newest history that fits `available` tokens: drops units oldest first until the rest fits and
 * may lead, and fills what is left with the end of the last dropped unit when that is a lone text message
 * that may lead.
 */
function fitHistory(context: FitContext, units: readonly HistoryUnit[], available: number): void {
  // suffixTokens[start]: what keeping units[start…] costs.
  const suffixTokens = new Array<number>(units.length + 1).fill(0);
  for (let index = units.length - 1; index >= 0; index--) {
    suffixTokens[index] = suffixTokens[index + 1]! + units[index]!.tokens;
  }
  for (let start = 1; start <= units.length; start++) {
    const keptTokens = suffixTokens[start]!;
    if (keptTokens > available) continue;
    const previous = units[start - 1]!;
    const partial =
      previous.trimmable && previous.canLead
        ? trimToAllowance(context, previous.indices[0]!, available - keptTokens, 'end')
        : undefined;
    if (partial === undefined && start < units.length && !units[start]!.canLead) continue;

    const dropped = units.slice(0, partial === undefined ? start : start - 1).flatMap((unit) => unit.indices);
    dropMessages(context, dropped);
    if (partial !== undefined) applyTrim(context, previous.indices[0]!, partial, 'end');
    return;
  }
}

/**
 * Trims the pinned messages into `available` tokens (the budget less reply priming and tool schemas): the
 * latest user turn is promised up to `reserve` tokens, the system messages get the rest and keep their
 * start (later system messages are dropped once one is cut), and the latest user turn then takes whatever
 * the system messages left, keeping its end.
 */
function fitPinned(
  context: FitContext,
  latestUser: number,
  available: number,
  reserve: number | undefined,
): void {
  const { messages, tokens } = context;
  const userTokens = latestUser < 0 ? 0 : tokens[latestUser]!;
  const systemIndices = messages.flatMap((message, index) => (message.role === 'system' ? [index] : []));
  const systemTokens = systemIndices.reduce((sum, index) => sum + tokens[index]!, 0);
  const promised = Math.min(Math.max(reserve ?? Math.floor(available / 2), 0), Math.max(available, 0));
  let systemLeft = available - Math.min(userTokens, Math.max(promised, available - systemTokens));

  const droppedSystem: number[] = [];
  let systemUsed = 0;
  for (const index of systemIndices) {
    if (tokens[index]! <= systemLeft) {
      systemLeft -= tokens[index]!;
      systemUsed += tokens[index]!;
      continue;
    }
    const trimmed = trimToAllowance(context, index, systemLeft, 'start');
    if (trimmed === undefined) {
      droppedSystem.push(index);
    } else {
      applyTrim(context, index, trimmed, 'start');
      systemUsed += trimmed.tokens;
    }
    // The system prompt keeps its start: nothing after the first cut.
    systemLeft = 0;
  }
  dropMessages(context, droppedSystem);

  if (latestUser < 0) return;
  const userAllowance = available - systemUsed;
  if (userTokens <= userAllowance) return;
  // Trimmed even when nothing of it fits: the result then reports `fits: false`.
  const trimmed = trimMessageText(messages[latestUser]!, userAllowance, 'end', context.family);
  applyTrim(context, latestUser, trimmed, 'end');
}

/** The message trimmed to `allowance` tokens, if that keeps some of its text within the allowance. */
function trimToAllowance(
  context: FitContext,
  index: number,
  allowance: number,
  keep: KeepEnd,
): TrimmedMessage | undefined {
  if (allowance <= TOKENS_PER_MESSAGE) return undefined;
  const trimmed = trimMessageText(context.messages[index]!, allowance, keep, context.family);
  return trimmed.tokens <= allowance && hasText(trimmed.message) ? trimmed : undefined;
}

function applyTrim(context: FitContext, index: number, trimmed: TrimmedMessage, keep: KeepEnd): void {
  context.edits.set(index, trimmed.message);
  context.actions.push({
    kind: 'trimmed-message',
    index,
    role: context.messages[index]!.role,
    kept: keep,
    boundary: trimmed.boundary,
    fromTokens: context.tokens[index]!,
    toTokens: trimmed.tokens,
  });
}

function dropMessages(context: FitContext, indices: readonly number[]): void {
  if (indices.length === 0) return;
  const sorted = indices.toSorted((a, b) => a - b);
  for (const index of sorted) context.edits.set(index, 'dropped');
  context.actions.push({
    kind: 'dropped-messages',
    count: sorted.length,
    tokens: sorted.reduce((sum, index) => sum + context.tokens[index]!, 0),
    indices: sorted,
  });
}
