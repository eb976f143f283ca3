#!/usr/bin/env node
/**
 * JSON Schema files for kubeconform, which reads one self-contained file per
 * kind and version.
 *
 *   node infra/src/k8s/json-schemas.ts crds <out dir> <crd.yaml>...
 *     CustomResourceDefinitions, as kubeconform's openapi2jsonschema.py
 *     converts them: one file per version, `<group>/<kind>_<version>.json`
 *     (lower case), strict (an object with declared properties refuses
 *     others, unless the CRD preserves unknown fields there), and
 *     Kubernetes' int-or-string made explicit.
 *   node infra/src/k8s/json-schemas.ts builtin <in dir> <out dir> <file>...
 *     Kubernetes' own kinds from the PyPI package kubernetes-validate's
 *     strict schemas, whose references point into one shared
 *     `/api/_definitions.json`: each file gets the definitions it reaches.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

type Schema = { [key: string]: unknown };

const isObject = (value: unknown): value is Schema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** One CRD version's openAPIV3Schema as kubeconform reads it. */
export function toJsonSchema(openApi: Schema): Schema {
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit);
    if (!isObject(node)) return node;
    const out: Schema = {};
    for (const [key, value] of Object.entries(node)) out[key] = visit(value);
    if (out['x-kubernetes-int-or-string'] === true || out.format === 'int-or-string') {
      delete out.type;
      delete out.format;
      out.oneOf = [{ type: 'string' }, { type: 'integer' }];
    }
    if (isObject(out.properties) && !('additionalProperties' in out) && !out['x-kubernetes-preserve-unknown-fields']) {
      out.additionalProperties = false;
    }
    return out;
  };
  return { $schema: 'http://json-schema.org/draft-07/schema#', ...(visit(openApi) as Schema) };
}

interface Crd {
  kind?: string;
  spec?: {
    group?: string;
    names?: { kind?: string };
    versions?: { name: string; schema?: { openAPIV3Schema?: Schema } }[];
  };
}

/** Every (file name, schema) of the CRDs in one YAML text. */
export function schemasOf(yamlText: string): [string, Schema][] {
  const out: [string, Schema][] = [];
  for (const document of parseAllDocuments(yamlText)) {
    const crd = document.toJS() as Crd | null;
    if (crd?.kind !== 'CustomResourceDefinition' || !crd.spec?.group || !crd.spec.names?.kind) continue;
    for (const version of crd.spec.versions ?? []) {
      const openApi = version.schema?.openAPIV3Schema;
      if (!openApi) continue;
      const file = path.join(crd.spec.group, `${crd.spec.names.kind}_${version.name}.json`.toLowerCase());
      out.push([file, toJsonSchema(openApi)]);
    }
  }
  return out;
}

/** A reference into the shared definitions: from a kind's file, or between definitions inside that file. */
const SHARED_REF = /^(\/api\/_definitions\.json)?#\/\$defs\//;

/** One kind's schema with the shared definitions it reaches, its references made local. */
export function standalone(schema: Schema, definitions: Record<string, unknown>): Schema {
  const reached: Record<string, unknown> = {};
  const localise = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(localise);
    if (!isObject(node)) return node;
    const out: Schema = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && SHARED_REF.test(value)) {
        const name = value.replace(SHARED_REF, '');
        if (!(name in reached)) {
          if (!(name in definitions)) throw new Error(`no definition ${name}`);
          reached[name] = null;
          reached[name] = localise(definitions[name]);
        }
        out.$ref = `#/$defs/${name}`;
      } else {
        out[key] = localise(value);
      }
    }
    return out;
  };
  const body = localise(schema) as Schema;
  return { ...body, $defs: reached };
}

function write(target: string, schema: Schema) {
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, `${JSON.stringify(schema)}\n`);
  process.stdout.write(`${target}\n`);
}

if (import.meta.main) {
  const [command, ...args] = process.argv.slice(2);
  if (command === 'crds' && args.length >= 2) {
    const [outDir, ...files] = args as [string, ...string[]];
    for (const file of files) {
      for (const [name, schema] of schemasOf(readFileSync(file, 'utf8'))) write(path.join(outDir, name), schema);
    }
  } else if (command === 'builtin' && args.length >= 3) {
    const [inDir, outDir, ...files] = args as [string, string, ...string[]];
    const { $defs } = JSON.parse(readFileSync(path.join(inDir, '_definitions.json'), 'utf8')) as {
      $defs: Record<string, unknown>;
    };
    for (const file of files) {
      write(path.join(outDir, file), standalone(JSON.parse(readFileSync(path.join(inDir, file), 'utf8')), $defs));
    }
  } else {
    process.stderr.write(
      'usage: node infra/src/k8s/json-schemas.ts crds <out dir> <crd.yaml>...\n' +
        '       node infra/src/k8s/json-schemas.ts builtin <in dir> <out dir> <file>...\n',
    );
    process.exit(2);
  }
}
