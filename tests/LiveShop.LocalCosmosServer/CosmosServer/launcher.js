// Starts @vercel/cosmosdb-server for the storage contract tests and the benchmarks (see ../CosmosServerProcess.cs).
// Usage: node launcher.js [port]   (port 0 or none: any free port). Prints "listening <port>" when ready.
//
// Test-side fix for a gap of the server: a point read of a missing document throws inside the server
// (it reads a property of undefined) and is answered 500; real Cosmos DB answers 404 NotFound.
// The wrapper below turns exactly that case (GET .../docs/{id} answered 500) into a 404, so production
// code only ever has to handle Cosmos DB's real status code.
'use strict';
const { createHttpsServer } = require('@vercel/cosmosdb-server');

const documentRead = /^\/+dbs\/[^/]+\/colls\/[^/]+\/docs\/[^/]+\/?$/;

const server = createHttpsServer({ keepAlive: true });
const [serverHandler] = server.listeners('request');
server.removeAllListeners('request');
server.on('request', (req, res) => {
  if (req.method === 'GET' && documentRead.test(req.url.split('?')[0])) {
    const end = res.end.bind(res);
    res.end = (...args) => {
      if (res.statusCode === 500 && !res.headersSent) {
        res.statusCode = 404;
        return end(JSON.stringify({ code: 'NotFound', message: 'Entity with the specified id does not exist in the system.' }));
      }
      return end(...args);
    };
  }
  serverHandler(req, res);
});

server.listen(Number(process.argv[2] || 0), '127.0.0.1', () => {
  console.log(`listening ${server.address().port}`);
});
