/** Value shapes every part of the config schema shares. */

import { z } from 'zod';

export const positiveInt = z.number().int().positive();
export const milliseconds = z.number().int().positive();
