import { Hono } from 'hono';
import type { AppEnv } from './env.ts';

export const badgesRouter = new Hono<AppEnv>();
