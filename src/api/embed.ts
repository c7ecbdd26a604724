import { Hono } from 'hono';
import type { AppEnv } from './env.ts';

export const embedRouter = new Hono<AppEnv>();
