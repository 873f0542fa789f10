// Renders the start of a reply for failure reasons: `unexpected reply "-ERR unknown…"`.

const MAX_SNIPPET_BYTES = 40;

/** First line of `reply` (at most 40 bytes), non-printable bytes as \xHH, `…` when cut. */
export function replySnippet(reply: Buffer): string {
  let end = reply.indexOf(0x0a);
  if (end === -1) end = reply.length;
  else if (end > 0 && reply[end - 1] === 0x0d) end -= 1;
  if (end === 0) end = reply.length; // reply starts with a line break: show it as is
  const lineEnd = Math.min(end, MAX_SNIPPET_BYTES);
  let text = '';
  for (let i = 0; i < lineEnd; i += 1) {
    const byte = reply[i] ?? 0;
    if (byte === 0x22 || byte === 0x5c) text += `\\${String.fromCharCode(byte)}`;
    else if (byte >= 0x20 && byte < 0x7f) text += String.fromCharCode(byte);
    else text += `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  const rest = reply.subarray(lineEnd).toString('latin1');
  const cut = rest !== '' && rest !== '\r\n' && rest !== '\n';
  return cut ? `${text}…` : text;
}

/** Failure reason for a reply that does not look like the expected one. */
export function unexpectedReply(reply: Buffer): string {
  return `unexpected reply "${replySnippet(reply)}"`;
}
