// Starts the telegram-test-api Bot API emulator on 127.0.0.1:<port> for Hub's end-to-end bot tests.
// Usage: node server.js <port>. Prints "listening <url>" once ready; stops on SIGTERM/SIGINT.
//
// telegram-test-api 4.2.1 has no sendVideo, sendAudio, sendDocument, sendChatAction or answerInlineQuery. A narrow
// stand-in answers them in front of the emulator: it records each call with its fields (multipart parts by name, with
// file sizes) at GET /hub/calls, puts a line about the media into the chat's history (so transcripts show it), and
// answers as Telegram would. Everything else goes to the emulator unchanged.
const TelegramServer = require('telegram-test-api');
const express = require('express');

const port = Number(process.argv[2] || 9001);
const server = new TelegramServer({ port, host: '127.0.0.1', storeTimeout: 600 });
const calls = [];

/** Multipart form data → { fields: {name: text}, files: {name: bytes} } (enough for what Telegram.Bot sends). */
function parseMultipart(body, contentType) {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType || '');
  const result = { fields: {}, files: {} };
  if (!m) return result;
  const boundary = Buffer.from('--' + (m[1] || m[2]).trim());
  let start = body.indexOf(boundary);
  while (start >= 0) {
    const next = body.indexOf(boundary, start + boundary.length);
    if (next < 0) break;
    const part = body.subarray(start + boundary.length + 2, next - 2); // skip CRLF after the boundary and before the next
    const split = part.indexOf('\r\n\r\n');
    if (split >= 0) {
      const headers = part.subarray(0, split).toString('utf8');
      const content = part.subarray(split + 4);
      const name = /name="?([^";\r\n]+)"?/i.exec(headers)?.[1];
      if (name) {
        if (/filename=/i.test(headers)) result.files[name] = content.length;
        else result.fields[name] = content.toString('utf8');
      }
    }
    start = next;
  }
  // "video": "attach://0" names the part that holds it.
  for (const [k, v] of Object.entries(result.fields)) {
    const ref = /^attach:\/\/(.+)$/.exec(v);
    if (ref && ref[1] in result.files) result.files[k] = result.files[ref[1]];
  }
  return result;
}

function describe(method, f, files) {
  const parts = [];
  if (f.duration) parts.push(f.duration + ' s');
  if (f.width && f.height) parts.push(f.width + '×' + f.height);
  if (f.performer || f.title) parts.push([f.performer, f.title].filter(Boolean).join(' – '));
  if (files.thumbnail) parts.push('cover');
  if (String(f.supports_streaming).toLowerCase() === 'true') parts.push('streams');
  const kind = { sendVideo: '🎬 video', sendAudio: '🎵 audio', sendDocument: '📄 document' }[method];
  return `[${kind}${f.caption ? ': ' + f.caption : ''}${parts.length ? ' · ' + parts.join(' · ') : ''}]`;
}

const outer = express();
outer.post('/bot:token/:method(sendVideo|sendAudio|sendDocument)', express.raw({ type: () => true, limit: '2gb' }), (req, res) => {
  const { fields, files } = parseMultipart(req.body, req.headers['content-type']);
  const method = req.params.method;
  calls.push({ method, fields, files });
  const msg = server.addBotMessage({ chat_id: fields.chat_id, text: describe(method, fields, files) }, req.params.token);
  const key = { sendVideo: 'video', sendAudio: 'audio', sendDocument: 'document' }[method];
  const media = { file_id: 'stand-in-' + msg.message_id, file_unique_id: 'u' + msg.message_id, file_size: files[key] || 0 };
  if (fields.duration) media.duration = Number(fields.duration);
  if (fields.width) media.width = Number(fields.width);
  if (fields.height) media.height = Number(fields.height);
  res.json({ ok: true, result: { message_id: msg.message_id, date: msg.date, chat: msg.chat, caption: fields.caption, [key]: media } });
});
outer.post('/bot:token/:method(sendChatAction|answerInlineQuery)', express.json({ limit: '10mb' }), express.urlencoded({ extended: true }), (req, res) => {
  calls.push({ method: req.params.method, fields: req.body || {}, files: {} });
  res.json({ ok: true, result: true });
});
// Telegram removes a message's buttons when an edit sends none; the emulator keeps the old ones. Say "none" outright.
outer.post('/bot:token/:method(editMessageText|editMessageReplyMarkup)', express.json(), (req, _res, next) => {
  if (req.body && !req.body.reply_markup) req.body.reply_markup = { inline_keyboard: [] };
  next();
});
outer.get('/hub/calls', (_req, res) => res.json(calls));
outer.use(server.webServer);
server.webServer = outer;

server.start().then(() => console.log('listening ' + server.config.apiURL));
const stop = () => server.stop().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
