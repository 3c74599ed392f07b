import { createGunzip } from 'node:zlib';
import { DomainError } from '../errors.js';

export interface BodyLimits {
  maxBodyBytes: number;
  maxDecompressedBytes: number;
}

/**
 * Reads a request body within its size limits. A gzip body is inflated
 * chunk by chunk and abandoned as soon as it passes the decompressed limit,
 * so a gzip bomb costs at most that many bytes of memory.
 */
export async function readBody(
  stream: ReadableStream<Uint8Array> | null,
  contentEncoding: string | undefined,
  limits: BodyLimits,
): Promise<Buffer> {
  const encoding = (contentEncoding ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity' && encoding !== 'gzip' && encoding !== '') {
    throw new DomainError('unsupported_media_type', 'unsupported_encoding', `Content-Encoding "${encoding}" is not supported (use gzip or none)`);
  }
  const raw = await readLimited(stream, limits.maxBodyBytes);
  if (encoding !== 'gzip') return raw;
  return gunzipLimited(raw, limits.maxDecompressedBytes);
}

async function readLimited(stream: ReadableStream<Uint8Array> | null, max: number): Promise<Buffer> {
  if (!stream) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => undefined);
      throw new DomainError('too_large', 'body_too_large', `request body exceeds ${max} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}

function gunzipLimited(input: Buffer, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const gunzip = createGunzip();
    const chunks: Buffer[] = [];
    let size = 0;
    gunzip.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        gunzip.destroy();
        reject(new DomainError('too_large', 'body_too_large', `decompressed body exceeds ${max} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    gunzip.on('end', () => resolve(Buffer.concat(chunks, size)));
    gunzip.on('error', (err) =>
      reject(new DomainError('invalid', 'undecodable_body', `body is not valid gzip: ${err.message}`)),
    );
    gunzip.end(input);
  });
}
