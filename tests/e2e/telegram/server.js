// Starts the telegram-test-api Bot API emulator on 127.0.0.1:<port> for Hub's end-to-end bot tests.
// Usage: node server.js <port>. Prints "listening <url>" once ready; stops on SIGTERM/SIGINT.
const TelegramServer = require('telegram-test-api');

const port = Number(process.argv[2] || 9001);
const server = new TelegramServer({ port, host: '127.0.0.1', storeTimeout: 600 });
server.start().then(() => console.log('listening ' + server.config.apiURL));
const stop = () => server.stop().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
