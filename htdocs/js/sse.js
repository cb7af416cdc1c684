// sse.js — incremental parser for a text/event-stream read from fetch(); chunks may split
// lines or events anywhere, and lines may end in \n, \r\n or \r.

export class SSEParser {
  constructor() {
    this.buffer = '';
    this.resetEvent();
  }

  resetEvent() {
    this.eventName = '';
    this.dataLines = [];
  }

  // Feeds decoded text; answers the events completed by it, as {event, data, id}.
  feed(text) {
    this.buffer += text;
    const events = [];
    const lineEnd = /\r\n|\r|\n/g;
    let start = 0;
    let match;
    while ((match = lineEnd.exec(this.buffer)) !== null) {
      // A lone \r at the very end may be the first half of \r\n: wait for the next chunk.
      if (match[0] === '\r' && match.index === this.buffer.length - 1) break;
      this.line(this.buffer.slice(start, match.index), events);
      start = lineEnd.lastIndex;
    }
    this.buffer = this.buffer.slice(start);
    return events;
  }

  // The stream ended: a last event without its blank line is still delivered.
  end() {
    const events = [];
    if (this.buffer) this.line(this.buffer, events);
    this.buffer = '';
    this.dispatch(events);
    return events;
  }

  line(line, events) {
    if (line === '') return this.dispatch(events);
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.eventName = value;
    else if (field === 'data') this.dataLines.push(value);
    else if (field === 'id' && !value.includes('\0')) this.lastId = value;
    return undefined;
  }

  dispatch(events) {
    if (this.dataLines.length > 0) {
      events.push({ event: this.eventName || 'message', data: this.dataLines.join('\n'), id: this.lastId ?? null });
    }
    this.resetEvent();
  }
}

// Async iterator of SSE events from a ReadableStreamDefaultReader of bytes.
export async function* readEvents(reader) {
  const decoder = new TextDecoder();
  const parser = new SSEParser();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    yield* parser.feed(decoder.decode(value, { stream: true }));
  }
  yield* parser.feed(decoder.decode());
  yield* parser.end();
}

// Parses an event's JSON data; answers {} when the data is not valid JSON.
export function eventJSON(event) {
  try {
    const value = JSON.parse(event.data);
    return value && typeof value === 'object' ? value : {};
  } catch {
    return {};
  }
}
