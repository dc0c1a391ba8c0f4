// A viewer app's live connection with the official JavaScript client, as the end-to-end tests run it under Node:
//   node client.mjs <base>/api/streams/<streamId> [bearer token]
// Prints one JSON line per event: {"event":"connected","connectionId":...}, then {"event":"<method>","message":{...}}
// for every client method of the contract, until the test ends the process.
import * as signalR from "@microsoft/signalr";

const [url, token] = process.argv.slice(2);
const methods = ["pinned", "unpinned", "saleChanged", "stockChanged", "viewers", "streamState", "stats", "checkout"];
const print = (line) => process.stdout.write(JSON.stringify(line) + "\n");

const connection = new signalR.HubConnectionBuilder()
  .withUrl(url, token ? { accessTokenFactory: () => token } : {})
  .configureLogging(signalR.LogLevel.Warning)
  .build();
for (const method of methods) {
  connection.on(method, (message) => print({ event: method, message }));
}

try {
  await connection.start();
  print({ event: "connected", connectionId: connection.connectionId });
} catch (error) {
  print({ event: "failed", error: String(error) });
  process.exit(1);
}
