// Reading a game from a .zip file, defensively: the archive's central directory is
// checked against the file, every entry's size and CRC-32 against what it holds, and
// there are limits on the number of files, their sizes and their names, so that a
// broken or hostile archive (truncated, not a zip, zip bomb, "../" names, encrypted,
// ZIP64, unknown compression) gets a clear ZipError instead of a hang or a crash.
// Deflate is decompressed by the browser (DecompressionStream), with the output
// counted as it comes so that nothing larger than the limits is ever held.

/** Limits of what an archive (or an uploaded folder) may hold. */
export const LIMITS = {
  entries: 2000,
  files: 512,
  fileBytes: 8 << 20,
  totalBytes: 16 << 20,
  nameBytes: 255,
  depth: 8,
};

export class ZipError extends Error {
  constructor(message) {
    super(message);
    this.name = "ZipError";
  }
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (as zip and PNG use it) of `bytes`. */
export function crc32(bytes) {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * A file name from an archive or a folder as a safe relative path ("a/b.py"), or
 * null for entries to skip (folders, macOS metadata); throws for unsafe names.
 */
export function safePath(name) {
  const clean = name.replace(/\\/g, "/");
  if (clean.endsWith("/")) return null;
  const parts = clean.split("/").filter((p) => p !== "" && p !== ".");
  if (!parts.length) return null;
  if (clean.startsWith("/") || /^[A-Za-z]:/.test(clean)) throw new ZipError(`"${name}" is an absolute path`);
  if (parts.includes("..")) throw new ZipError(`"${name}" points outside the game folder ("..")`);
  if (parts[0] === "__MACOSX" || parts[parts.length - 1] === ".DS_Store") return null;
  if (parts.length > LIMITS.depth) throw new ZipError(`"${name}" is nested too deeply (more than ${LIMITS.depth} folders)`);
  for (const p of parts) {
    // Control characters and NUL never make a sensible file name.
    if (/[\u0000-\u001f\u007f]/.test(p)) throw new ZipError(`a file name holds control characters: ${JSON.stringify(name)}`);
  }
  const path = parts.join("/");
  if (new TextEncoder().encode(path).length > LIMITS.nameBytes) throw new ZipError(`a file name is longer than ${LIMITS.nameBytes} bytes`);
  return path;
}

async function inflateRaw(data, limit, name) {
  const stream = new DecompressionStream("deflate-raw");
  const writer = stream.writable.getWriter();
  writer.write(data).catch(() => {});
  writer.close().catch(() => {});
  const reader = stream.readable.getReader();
  const parts = [];
  let total = 0;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > limit) {
        reader.cancel().catch(() => {});
        throw new ZipError(`${name}: unpacks to more than its stated size (${limit} bytes)`);
      }
      parts.push(value);
    }
  } catch (err) {
    if (err instanceof ZipError) throw err;
    throw new ZipError(`${name}: the compressed data is corrupt`);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * The files of a zip archive (`bytes`, a Uint8Array) as a Map from safe relative
 * paths to their bytes; throws ZipError with what is wrong.
 */
export async function readZip(bytes) {
  if (!(bytes instanceof Uint8Array)) bytes = new Uint8Array(bytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.length;
  if (n < 22) throw new ZipError(`not a zip archive (${n} bytes, too short)`);
  // The end-of-central-directory record: in the last 22 + 65535 bytes.
  let eocd = -1;
  for (let i = n - 22; i >= Math.max(0, n - 22 - 65535); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) {
    const local = n >= 4 && view.getUint32(0, true) === 0x04034b50;
    throw new ZipError(local ? "the zip archive is truncated (its directory at the end is missing)" : "not a zip archive");
  }
  const count = view.getUint16(eocd + 10, true);
  const cdSize = view.getUint32(eocd + 12, true);
  const cdOffset = view.getUint32(eocd + 16, true);
  if (count === 0xffff || cdOffset === 0xffffffff || cdSize === 0xffffffff) throw new ZipError("ZIP64 archives are not supported");
  if (view.getUint16(eocd + 4, true) !== 0 || view.getUint16(eocd + 6, true) !== 0) throw new ZipError("multi-part zip archives are not supported");
  if (count > LIMITS.entries) throw new ZipError(`the archive has ${count} entries (at most ${LIMITS.entries})`);
  if (cdOffset + cdSize > eocd) throw new ZipError("the zip archive is truncated or corrupt (its directory lies outside the file)");
  const files = new Map();
  let total = 0;
  let at = cdOffset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > eocd || view.getUint32(at, true) !== 0x02014b50) throw new ZipError("the zip directory is corrupt");
    const flags = view.getUint16(at + 8, true);
    const method = view.getUint16(at + 10, true);
    const crc = view.getUint32(at + 16, true);
    const packed = view.getUint32(at + 20, true);
    const size = view.getUint32(at + 24, true);
    const nameLen = view.getUint16(at + 28, true);
    const extraLen = view.getUint16(at + 30, true);
    const commentLen = view.getUint16(at + 32, true);
    const local = view.getUint32(at + 42, true);
    if (at + 46 + nameLen > eocd) throw new ZipError("the zip directory is corrupt");
    const rawName = new TextDecoder("utf-8").decode(bytes.subarray(at + 46, at + 46 + nameLen));
    at += 46 + nameLen + extraLen + commentLen;
    const path = safePath(rawName);
    if (path === null) continue;
    if (flags & 1) throw new ZipError(`${path} is encrypted`);
    if (method !== 0 && method !== 8) throw new ZipError(`${path} uses compression method ${method} (only stored and deflate are supported)`);
    if (packed === 0xffffffff || size === 0xffffffff) throw new ZipError("ZIP64 archives are not supported");
    if (size > LIMITS.fileBytes) throw new ZipError(`${path} is ${size} bytes (at most ${LIMITS.fileBytes} a file)`);
    total += size;
    if (total > LIMITS.totalBytes) throw new ZipError(`the files add up to more than ${LIMITS.totalBytes >> 20} MiB`);
    if (files.size >= LIMITS.files) throw new ZipError(`more than ${LIMITS.files} files`);
    if (files.has(path)) throw new ZipError(`${path} appears twice`);
    if (local + 30 > n || view.getUint32(local, true) !== 0x04034b50) throw new ZipError(`${path}: its local header is missing (corrupt or truncated archive)`);
    const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    if (start + packed > n) throw new ZipError(`${path}: its data runs past the end of the archive (truncated)`);
    const data = bytes.subarray(start, start + packed);
    let out;
    if (method === 0) {
      if (packed !== size) throw new ZipError(`${path}: stored size ${packed} differs from its size ${size}`);
      out = data.slice();
    } else {
      out = await inflateRaw(data, size, path);
    }
    if (out.length !== size) throw new ZipError(`${path}: unpacks to ${out.length} bytes, not the ${size} its header says`);
    if (crc32(out) !== crc) throw new ZipError(`${path}: CRC-32 mismatch (the archive is corrupt)`);
    files.set(path, out);
  }
  return files;
}

/**
 * A game's files with the folder they share (a zip of a folder, an uploaded folder)
 * taken off, so that main.py is at the top: {files, main}; throws ZipError if there
 * is no main.py or code.py.
 */
export function gameFromFiles(files) {
  let map = new Map(files);
  for (;;) {
    const paths = [...map.keys()];
    if (!paths.length) throw new ZipError("no files");
    if (map.has("main.py") || map.has("code.py")) break;
    const first = paths[0].split("/")[0];
    if (paths.every((p) => p.startsWith(first + "/"))) {
      map = new Map([...map].map(([p, b]) => [p.slice(first.length + 1), b]));
    } else {
      break;
    }
  }
  const main = map.has("main.py") ? "main.py" : map.has("code.py") ? "code.py" : null;
  if (!main) throw new ZipError("the game has no main.py or code.py at its top level");
  return { files: map, main };
}
