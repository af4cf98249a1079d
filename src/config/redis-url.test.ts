import { describe, expect, it } from 'vitest';
import { maskRedisUrl } from './redis-url.js';

describe('maskRedisUrl', () => {
  it('replaces the password, keeps everything else', () => {
    expect(maskRedisUrl('redis://:s3cret@10.0.0.5:6379/2')).toBe('redis://:***@10.0.0.5:6379/2');
    expect(maskRedisUrl('rediss://worker:p%40ss@redis.example:6380')).toBe('rediss://worker:***@redis.example:6380');
  });

  it('leaves a URL without a password as it is', () => {
    expect(maskRedisUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
    expect(maskRedisUrl('redis://user@host:6379')).toBe('redis://user@host:6379');
  });

  it('masks what sits before "@" in something that is not a URL', () => {
    expect(maskRedisUrl('redis://a b:pw@host')).not.toContain('pw');
  });
});
