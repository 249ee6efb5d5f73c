/** Value shapes every part of the config schema shares. */

import { z } from 'zod';

export const positiveInt = z.number().int().positive();
export const milliseconds = z.number().int().positive();
// Checked as a URL after interpolation, but a plain string in the JSON Schema: editors see `${VAR}`.
export const httpUrl = z
  .string()
  .refine((text) => URL.canParse(text) && /^https?:/.test(text), 'must be an http(s) URL');
export const tagList = z.array(
  z.string().regex(/^[a-z0-9][a-z0-9_.:-]*$/, 'must be a lower-case tag such as eu, zdr or no-training'),
);
