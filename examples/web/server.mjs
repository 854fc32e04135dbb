// A static file server for the built page (target/web), on 127.0.0.1 by default.
//
//   node examples/web/server.mjs [--root DIR] [--host HOST] [--port N] [--no-isolation]
//
// It sends the headers that make the page cross-origin isolated (so that the game's
// worker and the page can share memory for the keys and for sleeping), which the page
// otherwise gets from its own service worker; --no-isolation leaves them out (to test
// that). The page itself is plain static files: any web server will do.
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".py": "text/plain; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".png": "image/png",
  ".bmp": "image/bmp",
  ".gif": "image/gif",
  ".wav": "audio/wav",
  ".zip": "application/zip",
  ".svg": "image/svg+xml",
};

/** Serves `root`; resolves to the listening server. */
export function serve({ root, host = "127.0.0.1", port = 8000, isolation = true }) {
  const top = resolve(root);
  const server = createServer(async (req, res) => {
    const headers = { "Cache-Control": "no-cache", "Cross-Origin-Resource-Policy": "same-origin" };
    if (isolation) {
      headers["Cross-Origin-Opener-Policy"] = "same-origin";
      headers["Cross-Origin-Embedder-Policy"] = "require-corp";
    }
    try {
      const url = new URL(req.url, "http://localhost");
      let path = normalize(join(top, decodeURIComponent(url.pathname)));
      if (path !== top && !path.startsWith(top + sep)) throw Object.assign(new Error("outside"), { code: "ENOENT" });
      if ((await stat(path)).isDirectory()) path = join(path, "index.html");
      const body = await readFile(path);
      res.writeHead(200, { ...headers, "Content-Type": TYPES[extname(path)] || "application/octet-stream" });
      res.end(req.method === "HEAD" ? undefined : body);
    } catch (err) {
      res.writeHead(err.code === "ENOENT" || err.code === "ENOTDIR" ? 404 : 500, { ...headers, "Content-Type": "text/plain" });
      res.end(err.code === "ENOENT" || err.code === "ENOTDIR" ? "not found\n" : "server error\n");
    }
  });
  return new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(port, host, () => ok(server));
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opts = { root: resolve(fileURLToPath(import.meta.url), "../../../target/web"), port: 8000, host: "127.0.0.1", isolation: true };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--root") opts.root = args[++i];
    else if (a === "--host") opts.host = args[++i];
    else if (a === "--port") opts.port = Number(args[++i]);
    else if (a === "--no-isolation") opts.isolation = false;
    else {
      console.error(`server.mjs: unknown argument ${a}\nusage: node server.mjs [--root DIR] [--host HOST] [--port N] [--no-isolation]`);
      process.exit(2);
    }
  }
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) {
    console.error("server.mjs: --port needs a number 0..65535");
    process.exit(2);
  }
  try {
    const server = await serve(opts);
    const { port } = server.address();
    console.log(`Serving ${opts.root} at http://${opts.host}:${port}/ (Ctrl-C stops)`);
  } catch (err) {
    console.error(`server.mjs: cannot listen on ${opts.host}:${opts.port} (${err.code || err.message})`);
    process.exit(1);
  }
}
