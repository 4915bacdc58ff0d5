// dynalite in its own process, for tests that block the test process's event loop while the
// store must go on answering. Prints its port on the first line of stdout. With ANSWER_LOG set, it
// appends one byte to that file per answer sent, which a blocked process can still read (sync).
const { appendFileSync } = require('node:fs');
const dynalite = require('dynalite');

const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
const answerLog = process.env.ANSWER_LOG;
if (answerLog) {
  server.on('request', (_request, response) => {
    response.on('finish', () => appendFileSync(answerLog, '.'));
  });
}
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${server.address().port}\n`);
});
// The parent closes the pipe when it goes away: never outlive it.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
