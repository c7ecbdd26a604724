import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from './env.ts';
import { fieldErrors, validationProblem } from './problem.ts';

/**
 * A router whose validation failures all become one kind of 422 problem naming the field.
 * @example export const incidentsRouter = newRouter().openapi(route, handler)
 */
export const newRouter = () =>
  new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      return result.success ? undefined : validationProblem(fieldErrors(result.error));
    },
  });
