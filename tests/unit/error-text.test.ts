// User-facing error text: the class name never shows, a known error gets a heading in words, an
// unknown named error its name in words, a plain or built-in error only its message.
import { describe, expect, it } from 'vitest';
import { errorInWords, errorText, nameInWords } from '../../src/protocol/error-text';

class DataFormatError extends Error {
  override name = 'DataFormatError';
}
class ShardIntegrityError extends Error {
  override name = 'ShardIntegrityError';
}

describe('errors in words', () => {
  it('turns class names into words, acronyms kept', () => {
    expect(nameInWords('DataFormatError')).toBe('Data format error');
    expect(nameInWords('NoWebGPUError')).toBe('No WebGPU error');
    expect(nameInWords('HttpStatusError')).toBe('Http status error');
  });

  it('never shows the class name', () => {
    const t = errorText(new DataFormatError('row 3 has no "persona" field'));
    expect(t).toBe('The data is not in the expected format: row 3 has no "persona" field');
    expect(t).not.toContain('DataFormatError');
    expect(errorText(new ShardIntegrityError('shard 2 is truncated'))).toBe('Shard integrity error: shard 2 is truncated');
  });

  it('plain, built-in and cancel errors show their message only', () => {
    expect(errorText(new Error('Network down'))).toBe('Network down');
    expect(errorText(new TypeError('x is undefined'))).toBe('x is undefined');
    expect(errorInWords('CancelledError', 'The run was cancelled.')).toBe('The run was cancelled.');
    expect(errorText('a string')).toBe('a string');
  });

  it('reads errors that crossed the worker as plain objects', () => {
    expect(errorText({ name: 'SpecError', message: 'arms[0].train.lr must be > 0' })).toBe('The experiment spec is not valid: arms[0].train.lr must be > 0');
  });
});
