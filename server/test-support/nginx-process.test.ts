import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasNginx, nginxBinary, renderNginxConfig, shippedNginxConfig } from './nginx-process';

const shipped = readFileSync(shippedNginxConfig, 'utf8');
const overrides = {
  port: 18_080,
  upstreams: ['127.0.0.1:41001', '127.0.0.1:41002', '127.0.0.1:41003'],
  prefix: '/tmp/nginx-prefix',
  sseReadTimeoutS: 3,
};

describe('renderNginxConfig(deploy/nginx.conf)', () => {
  it('keeps the shipped upstream options on every process and moves ports, paths and the read timeout', () => {
    const config = renderNginxConfig(shipped, overrides);
    for (const upstream of overrides.upstreams) {
      expect(config).toContain(`server ${upstream} max_fails=1 fail_timeout=5s;`);
    }
    expect(config).not.toMatch(/127\.0\.0\.1:300\d/);
    expect(config).toContain('listen 127.0.0.1:18080;');
    expect(config).toContain('proxy_read_timeout 3s;');
    expect(config).toContain('pid /tmp/nginx-prefix/nginx.pid;');
    expect(config).toContain('proxy_temp_path /tmp/nginx-prefix/proxy_temp;');
    expect(config).toContain('proxy_buffering off;');
  });

  it('names the line it cannot find when the shipped file no longer fits', () => {
    expect(() => renderNginxConfig(shipped.replace('listen 80;', 'listen 8080;'), overrides)).toThrow(
      'expected exactly one listen 80 line, found 0',
    );
  });

  it.skipIf(!hasNginx)('renders a configuration nginx -t accepts', () => {
    const prefix = mkdtempSync(path.join(tmpdir(), 'taskstream-nginx-t-'));
    try {
      const file = path.join(prefix, 'nginx.conf');
      writeFileSync(file, renderNginxConfig(shipped, { ...overrides, prefix }));
      const errorLog = path.join(prefix, 'error.log');
      expect(() =>
        execFileSync(nginxBinary, ['-t', '-q', '-e', errorLog, '-p', prefix, '-c', file]),
      ).not.toThrow();
    } finally {
      rmSync(prefix, { recursive: true, force: true });
    }
  });
});
