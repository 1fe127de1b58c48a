import {
  type DeliveryStatus,
  isBillable,
  isDeliveryStatus,
  mergeDeliveryStatus,
} from '../domain/delivery-status.ts';
import { wibDateOf } from '../domain/period.ts';
import { lineTooLong, type ParseContext, type ParsedLine, parseLine, type ReportRow } from './parse-line.ts';
import { MAX_LINE_BYTES } from './read-lines.ts';

/** Lines as read, sent to the parser in one message (one string and one typed array clone cheaply). */
export interface LineChunk {
  /** The lines joined by '\n' (a log line never holds a newline: the reader split on them). */
  readonly text: string;
  readonly lineNos: Int32Array;
  /** Lines over MAX_LINE_BYTES (their text is only their beginning): index in the chunk and length in bytes. */
  readonly tooLong?: ReadonlyArray<{ readonly index: number; readonly bytes: number }>;
}

/** Placeholders the loader replaces once it knows its transaction (the parser runs ahead of it). */
export const XID_MARK = '\u0001';
export const NOW_MARK = '\u0002';

/** Columns of MESSAGE_COPY rows, in order. */
export const MESSAGE_COPY_COLUMNS =
  'sending_id, customer_id, product, number, operator, sent_at, sending_status, delivery_status, delivery_updated_at, delivery_xid, characters, billable_characters, parts, content_hash, message_text';

export interface ParsedChunk {
  /** COPY text rows for messages, each send's status already merged with the chunk's reports (R2). */
  readonly copy: string;
  readonly sends: number;
  /** Lines holding a send record (a repeated sendingid counts each time). */
  readonly sendLines: number;
  readonly sendingIds: ReadonlyArray<number>;
  /** A sendingid occurs twice in the chunk: the database must sort out which is kept. */
  readonly repeated: boolean;
  /** 'customerId|YYYY-MM-DD' of every send: the rollup's dirty marks (R10). */
  readonly marks: ReadonlyArray<string>;
  /** Reports whose record is not in this chunk, in line order. */
  readonly reports: ReadonlyArray<{ readonly lineNo: number; readonly row: ReportRow }>;
  readonly reportLines: number;
  readonly reportCount: number;
  /** Reports merged into a record of the same chunk. */
  readonly reportsMerged: number;
  /** Index in the chunk, reason and fixable flag of each bad line. */
  readonly rejections: ReadonlyArray<ChunkRejection>;
  /** Index in the chunk and warning of each send loaded with a warning (an odd send time, R1). */
  readonly warnings: ReadonlyArray<{ readonly index: number; readonly reason: string }>;
  /** The file's bytes read (as stored) when the chunk was cut, for progress; 0 when not known. */
  readonly bytesRead: number;
  /**
   * R15: every send as its row went into messages, for prepaid charging to read instead of the stored rows; null
   * when the context knew of no prepaid account (the unit then has its records looked up, see copy-unit.ts).
   */
  readonly sent: SentRows | null;
  /**
   * Only when asked for (perLine): the sendingid of each line that holds a send record, null for the others, by
   * index in the chunk. The HTTP API answers per line from it without parsing the lines again.
   */
  readonly lineSendingIds?: ReadonlyArray<number | null>;
}

/** Sends of a chunk, one entry per message in each array (arrays clone cheaply to and from the parser thread). */
export interface SentRows {
  readonly ids: number[];
  readonly customers: number[];
  /** ISO instants, as in the COPY rows. */
  readonly sentAt: string[];
  readonly parts: number[];
  /** After the chunk's own reports (R2), as messages.billable computes it. */
  readonly billable: boolean[];
}

export interface ChunkRejection {
  readonly index: number;
  readonly reason: string;
  readonly fixable: boolean;
}

/** Parses line `index` of a chunk: an overlong line is rejected whole (issue 17), the others go to parseLine. */
export function parseChunkLine(
  chunk: LineChunk,
  lines: ReadonlyArray<string>,
  index: number,
  ctx: ParseContext,
): ParsedLine {
  const long = chunk.tooLong?.find((t) => t.index === index);
  return long ? lineTooLong(long.bytes, MAX_LINE_BYTES) : parseLine(lines[index]!, ctx);
}

/** COPY text format escaping. */
export function copyText(value: string): string {
  return value.replace(/[\\\t\n\r]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r',
  );
}

export function splitChunk(chunk: LineChunk): string[] {
  return chunk.lineNos.length === 0 ? [] : chunk.text.split('\n');
}

interface Send {
  readonly row: Extract<ReturnType<typeof parseLine>, { kind: 'send' }>['row'];
  status: number | null;
}

function mergeStatus(current: number | null, incoming: number): number {
  return isDeliveryStatus(incoming)
    ? mergeDeliveryStatus(current as DeliveryStatus | null, incoming)
    : (current ?? incoming);
}

function copyRow({ row, status }: Send): string {
  const reported = status !== null;
  return `${row.sendingId}\t${row.customerId}\t${row.product}\t${copyText(row.number)}\t${row.operator}\t${row.sentAt.toISOString()}\t${row.sendingStatus}\t${reported ? status : '\\N'}\t${reported ? NOW_MARK : '\\N'}\t${reported ? XID_MARK : '\\N'}\t${row.characters}\t${row.billableCharacters}\t${row.parts}\t\\\\x${row.contentHash.toString('hex')}\t${row.messageText === null ? '\\N' : copyText(row.messageText)}\n`;
}

/**
 * Parses a chunk of log lines into COPY rows for messages. R2: a report whose record is in the same chunk is merged
 * into it here, in line order, so the row is written once already carrying its status; the others are returned.
 */
export function parseChunk(
  chunk: LineChunk,
  ctx: ParseContext,
  bytesRead = 0,
  options: { readonly perLine?: boolean } = {},
): ParsedChunk {
  const lines = splitChunk(chunk);
  const lineSendingIds: Array<number | null> | undefined = options.perLine ? [] : undefined;
  const sends = new Map<number, Send>();
  const reportsSeen: Array<{ lineNo: number; row: ReportRow }> = [];
  const rejections: ChunkRejection[] = [];
  const warnings: Array<{ index: number; reason: string }> = [];
  let repeated = false;
  let reportLines = 0;
  let sendLines = 0;
  for (let i = 0; i < lines.length; i++) {
    const parsed = parseChunkLine(chunk, lines, i, ctx);
    lineSendingIds?.push(parsed.kind === 'send' ? parsed.row.sendingId : null);
    if (parsed.kind === 'send') {
      sendLines += 1;
      if (parsed.warning) warnings.push({ index: i, reason: parsed.warning });
      if (sends.has(parsed.row.sendingId)) repeated = true;
      else sends.set(parsed.row.sendingId, { row: parsed.row, status: null });
    } else if (parsed.kind === 'reports') {
      reportLines += 1;
      for (const row of parsed.rows) reportsSeen.push({ lineNo: chunk.lineNos[i]!, row });
    } else rejections.push({ index: i, reason: parsed.reason, fixable: parsed.fixable });
  }
  const reports: Array<{ lineNo: number; row: ReportRow }> = [];
  for (const report of reportsSeen) {
    const send = repeated ? undefined : sends.get(report.row.sendingId);
    if (send) send.status = mergeStatus(send.status, report.row.deliveryStatus);
    else reports.push(report);
  }
  let copy = '';
  const marks = new Set<string>();
  const sent: SentRows | null = ctx.prepaid
    ? { ids: [], customers: [], sentAt: [], parts: [], billable: [] }
    : null;
  for (const send of sends.values()) {
    copy += copyRow(send);
    marks.add(`${send.row.customerId}|${wibDateOf(send.row.sentAt)}`);
    if (sent === null || repeated) continue;
    sent.ids.push(send.row.sendingId);
    sent.customers.push(send.row.customerId);
    sent.sentAt.push(send.row.sentAt.toISOString());
    sent.parts.push(send.row.parts);
    sent.billable.push(isBillable(send.row.sendingStatus, send.status));
  }
  return {
    copy: repeated ? '' : copy,
    sends: sends.size,
    sendLines,
    sendingIds: [...sends.keys()],
    sent,
    repeated,
    marks: [...marks],
    reports,
    reportLines,
    reportCount: reportsSeen.length,
    reportsMerged: reportsSeen.length - reports.length,
    rejections,
    warnings,
    bytesRead,
    ...(lineSendingIds ? { lineSendingIds } : {}),
  };
}
