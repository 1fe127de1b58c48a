// Issue 13: what a failed request gets. Never the body's content: V8's JSON.parse messages quote the text around
// the fault (which can be an OTP), so only the position is kept; a 500 tells nothing of its cause.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

export interface ErrorAnswer {
  readonly status: number;
  readonly error: string;
}

/** Position of a JSON syntax error, from V8's message ("… at position 12" / "… (line 1 column 13)"). */
function jsonPosition(message: string): string {
  const at = /position (\d+)/.exec(message);
  return at ? ` (at character ${at[1]})` : '';
}

export function errorAnswer(error: FastifyError, maxBodyBytes: number): ErrorAnswer {
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || error.statusCode === 413) {
    return {
      status: 413,
      error: `The body is larger than ${maxBodyBytes} bytes (TAGIH_API_MAX_BODY_BYTES); send it in smaller batches (e.g. 1 000 lines).`,
    };
  }
  if (error.validation) {
    return {
      status: 400,
      error: `Bad request: ${error.message}. See /v1/openapi.json for the expected form.`,
    };
  }
  if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError) {
    return { status: 400, error: `The body is not valid JSON${jsonPosition(error.message)}.` };
  }
  if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return { status: 400, error: 'The body is empty.' };
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || error.statusCode === 415) {
    return {
      status: 415,
      error:
        'Unsupported Content-Type: send application/json, or application/x-ndjson for log lines (see /v1/openapi.json).',
    };
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) return { status, error: 'Bad request.' };
  return {
    status: 500,
    error:
      'Internal error: nothing of this request was kept. Send it again; the log is idempotent by sendingid.',
  };
}

/** The API's error handler: answers per errorAnswer, logs 5xx with the error's class and code. */
export function errorHandler(maxBodyBytes: number) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    const answer = errorAnswer(error, maxBodyBytes);
    if (answer.status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ status: answer.status, code: error.code }, answer.error);
    void reply.code(answer.status).send({ error: answer.error });
  };
}
