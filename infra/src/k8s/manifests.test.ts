import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventRegistry } from '@vangnet/contracts/registry';
import { allTopics, bulkLane, deadLetterTopic, type Topic, topicSettings } from '@vangnet/contracts/topics';
import { loadConfig } from '@vangnet/workspace/config';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

/**
 * The Strimzi resources in k8s/base are written by hand (with comments on
 * retention and partitions); these tests keep them in step with
 * packages/contracts, so a topic added there cannot be forgotten here.
 */

const base = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../k8s/base');

interface Resource {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec: Record<string, unknown>;
}

const resources = (file: string): Resource[] =>
  parseAllDocuments(readFileSync(path.join(base, file), 'utf8'))
    .map((document) => document.toJS() as Resource | null)
    .filter((resource): resource is Resource => resource !== null);

interface TopicSpec {
  partitions: number;
  replicas: number;
  config: Record<string, string | number>;
}

interface Acl {
  resource: { type: string; name: string; patternType: string };
  operations: string[];
}

describe('the KafkaTopic resources', () => {
  const declared = resources('kafka-topics.yaml');

  it('are Strimzi v1 and of the cluster vangnet', () => {
    for (const topic of declared) {
      expect(topic.apiVersion, topic.metadata.name).toBe('kafka.strimzi.io/v1');
      expect(topic.kind).toBe('KafkaTopic');
      expect(topic.metadata.labels?.['strimzi.io/cluster']).toBe('vangnet');
    }
  });

  it('are exactly the topics of topics.ts and their dead-letter topics', () => {
    const expected = allTopics.flatMap((topic) => [topic, deadLetterTopic(topic)]);
    expect(declared.map((topic) => topic.metadata.name).sort()).toEqual(expected.sort());
  });

  it('have the partitions and cleanup policy of topicSettings', () => {
    const byName = new Map(declared.map((topic) => [topic.metadata.name, topic.spec as unknown as TopicSpec]));
    for (const topic of allTopics) {
      const { partitions, compacted } = topicSettings[topic];
      const spec = byName.get(topic);
      expect(spec?.partitions, topic).toBe(partitions);
      expect(spec?.config['cleanup.policy'], topic).toBe(compacted ? 'compact' : 'delete');
      const dlq = byName.get(deadLetterTopic(topic));
      expect(dlq?.partitions, deadLetterTopic(topic)).toBe(1);
      expect(dlq?.config['cleanup.policy'], deadLetterTopic(topic)).toBe('delete');
    }
  });
});

describe('the KafkaUser resources', () => {
  const users = resources('kafka-users.yaml');
  const services = [...new Set(eventRegistry.map((definition) => definition.domain))];

  const allowed = (service: string, operation: string, type: string) => {
    const user = users.find((candidate) => candidate.metadata.name === `vangnet-${service}`);
    const acls = ((user?.spec.authorization as { acls?: Acl[] } | undefined)?.acls ?? []).filter(
      (acl) => acl.resource.type === type && acl.operations.includes(operation),
    );
    return acls;
  };
  const literalTopics = (service: string, operation: string) =>
    allowed(service, operation, 'topic')
      .filter((acl) => acl.resource.patternType === 'literal')
      .map((acl) => acl.resource.name)
      .sort();

  it('exist for every service that publishes events, as Strimzi v1 SCRAM users', () => {
    expect(users.map((user) => user.metadata.name).sort()).toEqual(services.map((s) => `vangnet-${s}`).sort());
    for (const user of users) {
      expect(user.apiVersion).toBe('kafka.strimzi.io/v1');
      expect((user.spec.authentication as { type: string }).type).toBe('scram-sha-512');
    }
  });

  it('let each service write its own topics and dead letters, read every topic, and join only its groups', () => {
    for (const service of services) {
      // A service that publishes an event publishes it on the topic's bulk lane too.
      const owned = [
        ...new Set(
          eventRegistry
            .filter((d) => d.domain === service)
            .flatMap((d) => [d.topic, ...(bulkLane[d.topic] ? [bulkLane[d.topic] as Topic] : [])]),
        ),
      ];
      expect(literalTopics(service, 'Write'), service).toEqual([...owned, ...allTopics.map(deadLetterTopic)].sort());
      expect(literalTopics(service, 'Read'), service).toEqual([...allTopics].sort());
      expect(allowed(service, 'Read', 'topic').every((acl) => acl.resource.patternType === 'literal')).toBe(true);
      expect(allowed(service, 'Read', 'group').map((acl) => [acl.resource.name, acl.resource.patternType])).toEqual([
        [`vangnet.${service}.`, 'prefix'],
      ]);
    }
  });
});

describe('the workspace Deployment', () => {
  const [deployment] = resources('workspace.yaml').filter((resource) => resource.kind === 'Deployment');
  const kustomization = parseAllDocuments(readFileSync(path.join(base, 'kustomization.yaml'), 'utf8'))[0]?.toJS() as {
    configMapGenerator: { name: string; literals: string[] }[];
  };

  it('gives the workspace every setting its configuration requires', () => {
    if (!deployment) throw new Error('workspace.yaml holds no Deployment');
    const container = (
      deployment.spec as {
        template: {
          spec: {
            containers: {
              env: { name: string; value?: string; valueFrom?: unknown }[];
              envFrom: { configMapRef: { name: string } }[];
            }[];
          };
        };
      }
    ).template.spec.containers[0];
    const env: Record<string, string> = {};
    for (const { configMapRef } of container?.envFrom ?? []) {
      const generated = kustomization.configMapGenerator.find((map) => map.name === configMapRef.name);
      expect(generated, `ConfigMap ${configMapRef.name} is generated in kustomization.yaml`).toBeDefined();
      for (const literal of generated?.literals ?? []) {
        const [name, ...value] = literal.split('=');
        env[name as string] = value.join('=');
      }
    }
    // A Secret's value is only known in the cluster; a stand-in shows that it is wired.
    for (const variable of container?.env ?? []) env[variable.name] = variable.value ?? 'from-a-secret';
    expect(() => loadConfig(env)).not.toThrow();
    expect(loadConfig(env)).toMatchObject({
      NODE_ENV: 'production',
      HOST: '0.0.0.0',
      COOKIE_SECURE: true,
      OIDC_ALLOW_HTTP: false,
    });
  });
});
