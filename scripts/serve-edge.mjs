// Runs the edge as `wrangler dev` does (workerd from npm, local D1 and
// queues, the same wrangler.toml), through wrangler's own programmatic
// entry point, with its DevTools inspector off and its request log off
// (at "info", Miniflare posts a line per request to this node process:
// ~1 ms of CPU a request on the benchmark's two cores; errors still show).
//   node scripts/serve-edge.mjs PORT STATE_DIR ENV_FILE
import { unstable_startWorker } from "wrangler";

const [port, state, envFile] = process.argv.slice(2);
const worker = await unstable_startWorker({
  config: new URL("../wrangler.toml", import.meta.url).pathname,
  envFiles: [envFile],
  dev: {
    server: { hostname: "127.0.0.1", port: Number(port) },
    inspector: false,
    persist: state,
    testScheduled: true,
    watch: false,
    logLevel: "warn",
  },
});
await worker.ready;
console.log(`edge ready on ${port}`);
const stop = async () => { await worker.dispose(); process.exit(0); };
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
