/**
 * `issuer serve`: publishes the issuer directory's public keys and revocation lists over HTTP
 * until Ctrl-C (or the context's signal); prints the URL.
 */
import { readIssuerDir } from '../../issuer/issuer-dir.js';
import { serveIssuerDir } from '../../issuer/serve.js';
import { DIR_FLAG, issuerDirOf, str, text, UsageError, type Command } from './shared.js';

export const serve: Command = {
  summary: 'publish /.well-known/jwks.json and /.well-known/crl/<kid>.json over HTTP until Ctrl-C; prints the URL',
  synopsis: '[--port 8090] [--host 127.0.0.1] [--dir DIR]',
  flags: [text('port', '8090', 'TCP port (default 8090)'), text('host', '127.0.0.1', 'address (default 127.0.0.1)'), DIR_FLAG],
  async run(values, ctx) {
    const dir = issuerDirOf(values, ctx);
    await readIssuerDir(dir); // refuse to publish a broken directory
    const portText = str(values, 'port') ?? '8090';
    if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) throw new UsageError('--port must be a port number 0-65535');
    const host = str(values, 'host') ?? '127.0.0.1';
    const server = await serveIssuerDir(dir, { port: Number(portText), host });
    ctx.err(`serving ${dir} (public keys and revocation lists only) at ${server.url}/.well-known/ — Ctrl-C to stop`);
    ctx.out(server.url);
    await new Promise<void>((done) => {
      if (ctx.signal) {
        if (ctx.signal.aborted) done();
        else ctx.signal.addEventListener('abort', () => done(), { once: true });
        return;
      }
      process.once('SIGINT', () => done());
      process.once('SIGTERM', () => done());
    });
    await server.close();
  },
};
