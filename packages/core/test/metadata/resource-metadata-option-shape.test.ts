// `resourceMetadata` must be a boolean or a plain object: a Map would otherwise pass as "no
// options" and publish the defaults in silence.
import { describe, expect, it } from 'vitest';
import {
  resourceMetadataPolicy,
  type ResourceMetadataOptions,
} from '../../src/metadata/resource-metadata-options.js';

describe('resourceMetadataPolicy() shape', () => {
  it('refuses a Map rather than serving the defaults', () => {
    const options = new Map([
      ['resource', 'https://mcp.example.com/mcp'],
    ]) as unknown as ResourceMetadataOptions;
    expect(() => resourceMetadataPolicy(options)).toThrow(TypeError);
    expect(() => resourceMetadataPolicy(options)).toThrow(
      /^resourceMetadata must be true or an object of options/,
    );
  });

  it('refuses a class instance, whose fields were never meant as options', () => {
    class Settings {
      resource = 'https://mcp.example.com/mcp';
    }
    expect(() => resourceMetadataPolicy(new Settings() as ResourceMetadataOptions)).toThrow(
      /^resourceMetadata must be true or an object of options/,
    );
  });
});
