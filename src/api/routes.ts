import type { z } from '@hono/zod-openapi';
import { problemSchema } from './schemas.ts';

// Small helpers for route declarations, so each route states only what is its own.

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  body: { content: { 'application/json': { schema } }, required: true },
});

const problemResponse = (description: string) => ({
  content: { 'application/problem+json': { schema: problemSchema } },
  description,
});

/** The errors every authenticated route may answer with. */
export const authProblems = {
  401: problemResponse('No token, or an unknown or revoked one'),
  403: problemResponse('The token lacks the scope'),
};

export const readProblems = { ...authProblems, 404: problemResponse('No such resource') };

export const writeProblems = {
  ...readProblems,
  400: problemResponse('Malformed JSON'),
  409: problemResponse('The change is not allowed in the current state'),
  413: problemResponse('The body is larger than 1 MiB'),
  422: problemResponse('A field is invalid; `errors` names it'),
};

export const bearer = [{ bearerAuth: [] }];
