import type { APIRoute } from 'astro';
import { internalRefusal } from '#lib/internal-page.ts';
import { subscribersCsv } from '#lib/subscriber-csv.ts';

// Every subscriber as CSV, the same columns as the API's GET /api/v1/subscribers.csv. Addresses
// are personal data: editors and up, as on /admin/subscribers; never cached on the way.
export const GET: APIRoute = async (context) => {
  const refusal = internalRefusal(context, 'editor');
  if (refusal) return refusal;
  const rows = await context.locals.candor.consoleReads.subscribers();
  return new Response(subscribersCsv(rows), {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': 'attachment; filename="subscribers.csv"',
      'Cache-Control': 'private, no-store',
      'X-Robots-Tag': 'noindex',
    },
  });
};
