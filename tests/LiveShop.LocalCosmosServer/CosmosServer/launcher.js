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
//    hold ids (h + 24 hex digits) share one compiled template here; where the ids are property names, the template's
//    code reads them from the query's parameters, so it is also turned into a function once (the executor makes a
//    new Function per run; it is cached per code text). Each condition still runs exactly as written.
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
  // Where the ids are property names (c.holds.h1a2b...), the generated code reads them from the query's
  // parameters instead, so every condition of one shape is one code text, compiled once (see the executor below).
  const parameterized = ids.every((_, i) => !new RegExp(`[^.]${placeholder(i)}\\b`).test(compiled.code));
  const code = parameterized
    ? ids.reduce((text, _, i) => text.split(`.${placeholder(i)}`).join(`[$p.__hold${i}]`), compiled.code)
    : ids.reduce((text, id, i) => text.split(placeholder(i)).join(id), compiled.code);
  const query = Object.assign(Object.create(Object.getPrototypeOf(compiled)), compiled, { _query: sql, _code: code });
  if (parameterized) {
    const exec = query.exec;
    query.exec = function execWithHolds(collection, options = {}) {
      const holds = ids.map((id, i) => ({ name: `@__hold${i}`, value: id }));
      return exec.call(this, collection, { ...options, parameters: [...(options.parameters || []), ...holds] });
    };
  }
  return query;
};

// The executor turns a query's generated code into a function with new Function on every run; the same code text
// makes the same function, so it is made once per text here (the last 1,000 texts kept).
const executor = require('@zeit/cosmosdb-query/lib/executor');
const aggregateFunctions = require('@zeit/cosmosdb-query/lib/aggregate-functions');
const builtinFunctions = require('@zeit/cosmosdb-query/lib/builtin-functions');
const helpers = require('@zeit/cosmosdb-query/lib/helpers');
const executables = new Map();
executor.default = (collection, { code, parameters, udf = {}, maxItemCount, continuation, compositeIndexes }) => {
  let execute = executables.get(code);
  if (!execute) {
    if (executables.size >= 1000) {
      executables.clear();
    }
    execute = new Function(`"use strict";return (${code})`)(); // eslint-disable-line no-new-func
    executables.set(code, execute);
  }
  const params = {};
  (parameters || []).forEach(({ name, value }) => {
    params[name.slice(1)] = value;
  });
  return execute(aggregateFunctions, builtinFunctions, collection, helpers, udf, params, maxItemCount, continuation, compositeIndexes);
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
