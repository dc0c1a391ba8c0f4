// Starts @vercel/cosmosdb-server for the storage contract tests and the benchmarks (see ../CosmosServerProcess.cs).
// Usage: node launcher.js [port]   (port 0 or none: any free port). Prints "listening <port>" when ready.
//
// Test-side fixes for gaps of the server (production code never depends on them):
//
// 1. A point read of a missing document throws inside the server (it reads a property of undefined) and is
//    answered 500; real Cosmos DB answers 404 NotFound. The request wrapper below turns exactly that case
//    (GET .../docs/{id} answered 500) into a 404, so production code only ever has to handle Cosmos DB's real
//    status code.
//
// 2. A cost Cosmos DB does not have: the server compiles every distinct query text it meets (a PEG parse and a
//    Babel code generation, 5-10 ms of its one JavaScript thread) and keeps the last 100. The stock ledger's patch
//    conditions name the hold they test ("... NOT IS_DEFINED(c.holds.h1a2b...)"), so every reservation and commit
//    is a new text and, in a flash sale, the server spends most of its time compiling. Texts that differ only in
//    hold ids (h + 24 hex digits) share one compiled template here, and the ids are put back into the template's
//    generated code: each condition still runs exactly as written, only the compilation is shared.
//
// 3. Node closes a keep-alive connection after 5 idle seconds. A client that sends its next request on that
//    connection at the same moment gets "connection reset by peer" (the SDK does not retry it), which a race with
//    hundreds of pooled connections and seconds-long waits hit now and then. The server here never closes an idle
//    connection; the client closes its own (after a minute, SocketsHttpHandler's default).
'use strict';
const cosmosdbQuery = require('@zeit/cosmosdb-query');
const { createHttpsServer } = require('@vercel/cosmosdb-server');

const compileQuery = cosmosdbQuery.default;
const holdId = /\bh[0-9a-f]{24}\b/g;
const templates = new Map();
cosmosdbQuery.default = (sql) => {
  const ids = [...new Set(sql.match(holdId) || [])];
  if (ids.length === 0) {
    return compileQuery(sql);
  }
  const placeholder = (i) => `hold_placeholder_${i}`; // not hex: never a real hold id
  const template = ids.reduce((text, id, i) => text.split(id).join(placeholder(i)), sql);
  let compiled = templates.get(template);
  if (!compiled) {
    if (templates.size >= 1000) {
      templates.clear();
    }
    compiled = compileQuery(template);
    templates.set(template, compiled);
  }
  const code = ids.reduce((text, id, i) => text.split(placeholder(i)).join(id), compiled.code);
  return Object.assign(Object.create(Object.getPrototypeOf(compiled)), compiled, { _query: sql, _code: code });
};

const documentRead = /^\/+dbs\/[^/]+\/colls\/[^/]+\/docs\/[^/]+\/?$/;

const server = createHttpsServer({ keepAlive: true });
server.keepAliveTimeout = 0;
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
