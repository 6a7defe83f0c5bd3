import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultImageMode, localTag, recipeHash, selectImages, OFFICIAL_KAFKA_IMAGE, OFFICIAL_MONGO_IMAGE } from './images';
import { kafkaContainerEnv, kafkaEnvToProperties, kafkaEnvToPropertyKey } from './kafka-config';

describe('kafka environment mapping (as apache/kafka images do it)', () => {
  it('maps KAFKA_* names to server.properties keys', () => {
    expect(kafkaEnvToPropertyKey('KAFKA_NODE_ID')).toBe('node.id');
    expect(kafkaEnvToPropertyKey('KAFKA_CONTROLLER_QUORUM_VOTERS')).toBe('controller.quorum.voters');
    expect(kafkaEnvToPropertyKey('KAFKA_LISTENER_NAME_INTERNAL___X')).toBe('listener.name.internal-x');
    expect(kafkaEnvToPropertyKey('KAFKA_SOME__UNDERSCORED')).toBe('some_underscored');
  });

  it('leaves JVM/logging variables and others alone', () => {
    expect(kafkaEnvToPropertyKey('KAFKA_HEAP_OPTS')).toBeUndefined();
    expect(kafkaEnvToPropertyKey('KAFKA_LOG4J_LOGGERS')).toBeUndefined();
    expect(kafkaEnvToPropertyKey('CLUSTER_ID')).toBeUndefined();
  });

  it('configures a single-node KRaft broker advertised on the host port', () => {
    const props = kafkaEnvToProperties(kafkaContainerEnv(40123));
    expect(props).toMatchObject({
      'node.id': '1',
      'process.roles': 'broker,controller',
      listeners: 'PLAINTEXT://:40123,CONTROLLER://:9093',
      'advertised.listeners': 'PLAINTEXT://127.0.0.1:40123',
      'controller.listener.names': 'CONTROLLER',
      'offsets.topic.replication.factor': '1',
      'transaction.state.log.min.isr': '1',
      'min.insync.replicas': '1',
      'auto.create.topics.enable': 'false',
      'group.initial.rebalance.delay.ms': '0',
    });
    expect(props['heap.opts']).toBeUndefined();
  });
});

describe('image selection', () => {
  const local = { kafka: 'localhost/kyc-kafka:3.9.1-abc', ferretdb: 'localhost/kyc-ferretdb:1.24.2-def' };

  it('uses local images on podman and probes the registry on Docker', () => {
    expect(defaultImageMode({}, 'podman')).toBe('local');
    expect(defaultImageMode({}, 'docker')).toBe('auto');
    expect(defaultImageMode({ KYC_DEV_IMAGES: 'local' }, 'docker')).toBe('local');
    expect(defaultImageMode({ KYC_DEV_IMAGES: 'official' }, 'podman')).toBe('official');
    expect(() => defaultImageMode({ KYC_DEV_IMAGES: 'bogus' }, 'docker')).toThrow(/KYC_DEV_IMAGES/);
  });

  it('picks official, local or configured images', () => {
    expect(selectImages({}, 'official', local)).toEqual({
      kafka: { image: OFFICIAL_KAFKA_IMAGE, source: 'official' },
      mongo: { image: OFFICIAL_MONGO_IMAGE, source: 'official' },
    });
    expect(selectImages({}, 'local', local)).toEqual({
      kafka: { image: local.kafka, source: 'local', recipe: 'kafka' },
      mongo: { image: local.ferretdb, source: 'local', recipe: 'ferretdb' },
    });
    const configured = selectImages({ KYC_KAFKA_IMAGE: 'my/kafka:1', KYC_MONGO_IMAGE: ' mongo:8 ' }, 'local', local);
    expect(configured.kafka).toEqual({ image: 'my/kafka:1', source: 'configured' });
    expect(configured.mongo).toEqual({ image: 'mongo:8', source: 'configured' });
  });

  it('tags local images with the recipe content hash', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'recipe-'));
    writeFileSync(path.join(dir, 'build.sh'), 'echo one');
    mkdirSync(path.join(dir, 'target'));
    writeFileSync(path.join(dir, 'target', 'ignored.jar'), 'x');
    const first = await recipeHash(dir);
    writeFileSync(path.join(dir, 'target', 'ignored.jar'), 'y');
    expect(await recipeHash(dir)).toBe(first);
    writeFileSync(path.join(dir, 'build.sh'), 'echo two');
    const second = await recipeHash(dir);
    expect(second).not.toBe(first);
    expect(localTag('kafka', second)).toBe(`localhost/kyc-kafka:3.9.1-${second.slice(0, 12)}`);
  });
});
