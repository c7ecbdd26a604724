import { Hono } from 'hono';
import type { AppEnv } from './env.ts';

export const feedsRouter = new Hono<AppEnv>();
