/** What one HTTP attempt came to; the body of the response is kept only as a short snippet. */
export interface SendResult {
  ok: boolean;
  statusCode: number | null;
  outcome: 'delivered' | 'http_status' | 'redirect_not_followed' | 'timeout' | 'connection_failed';
  responseSnippet: string | null;
  durationMs: number;
}

export type Sender = (request: { url: string; headers: Record<string, string>; body: string }) => Promise<SendResult>;

/** Enough to see an error message in the log; a receiver's page of HTML is not ours to keep. */
export const SNIPPET_LENGTH = 200;

async function snippetOf(response: Response): Promise<string | null> {
  if (!response.body) return null;
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    // Reads no more than needed: a receiver may answer with megabytes.
    while (size < SNIPPET_LENGTH * 4) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  const text = Buffer.concat(chunks).toString('utf8').slice(0, SNIPPET_LENGTH);
  return text.length > 0 ? text : null;
}

/**
 * POSTs one delivery. Redirects are not followed: a signed event goes to
 * the URL the owner registered and nowhere else. Any 2xx is success; the
 * timeout covers the whole exchange, response included.
 */
export function httpSender(timeoutMs: number): Sender {
  return async ({ url, headers, body }) => {
    const started = performance.now();
    const duration = () => Math.round(performance.now() - started);
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { ...headers, 'user-agent': 'Vangnet-Webhooks/1' },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      const responseSnippet = await snippetOf(response).catch(() => null);
      const ok = response.status >= 200 && response.status < 300;
      const redirect = response.status >= 300 && response.status < 400;
      return {
        ok,
        statusCode: response.status,
        outcome: ok ? 'delivered' : redirect ? 'redirect_not_followed' : 'http_status',
        responseSnippet,
        durationMs: duration(),
      };
    } catch (error) {
      const timedOut = error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError');
      return {
        ok: false,
        statusCode: null,
        outcome: timedOut ? 'timeout' : 'connection_failed',
        responseSnippet: null,
        durationMs: duration(),
      };
    }
  };
}
