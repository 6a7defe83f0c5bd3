import { grpcServerConfig, grpcTlsConfig, kafkaConfig, listenConfig, loadConfig, masterKeyConfig, mongoConfig } from '@kyc/core';

export const photoStorageConfigSchema = {
  ...listenConfig(50054, 9464),
  grpc: grpcServerConfig(50064, 'gateway'),
  grpcTls: grpcTlsConfig(),
  ...masterKeyConfig(),
  mongo: mongoConfig('kyc_photo_storage'),
  kafka: kafkaConfig(),
  photo: {
    maxBytes: {
      doc: 'Largest accepted photo in bytes; the gateway enforces the same limit (PHOTO_MAX_BYTES) before bytes get here',
      format: 'nat',
      default: 10 * 1024 * 1024,
      env: 'PHOTO_MAX_BYTES',
    },
    minSidePx: { doc: 'Smallest accepted width and height in pixels', format: 'nat', default: 16, env: 'PHOTO_MIN_SIDE_PX' },
    maxSidePx: { doc: 'Largest accepted width and height in pixels', format: 'nat', default: 10_000, env: 'PHOTO_MAX_SIDE_PX' },
    orphanGraceSeconds: {
      doc: 'Age after which an unreferenced stored blob (failed upload, crash between commit and clean-up) is deleted',
      format: 'nat',
      default: 3600,
      env: 'PHOTO_ORPHAN_GRACE_SECONDS',
    },
    maxObjectsPerSubject: {
      doc: 'Unbound objects (seed 001 uploads by key, not yet named by a submission step) a subject keeps; the oldest make room for new ones',
      format: 'nat',
      default: 10,
      env: 'PHOTO_MAX_OBJECTS_PER_SUBJECT',
    },
    objectTtlSeconds: {
      doc: 'Age after which an unbound object is deleted (never named by a submission step)',
      format: 'nat',
      default: 86_400,
      env: 'PHOTO_OBJECT_TTL_SECONDS',
    },
    sweepIntervalSeconds: {
      doc: 'How often the orphan-blob and stale-object sweepers run',
      format: 'nat',
      default: 600,
      env: 'PHOTO_SWEEP_INTERVAL_SECONDS',
    },
  },
  // Retention of abandoned uploads: photos of subjects that never submitted them.
  uploadRetention: {
    retentionSeconds: { doc: 'Photos and objects of a subject that never submitted, untouched this long, are erased', format: 'nat', default: 30 * 86_400, env: 'UPLOAD_RETENTION_SECONDS' },
    intervalSeconds: { doc: 'How often the abandoned-upload sweeper runs', format: 'nat', default: 3_600, env: 'UPLOAD_SWEEP_INTERVAL_SECONDS' },
    batchSize: { doc: 'Most subjects erased per sweep', format: 'nat', default: 100, env: 'UPLOAD_SWEEP_BATCH_SIZE' },
  },
};

export type PhotoStorageConfig = ReturnType<typeof loadPhotoStorageConfig>;
export const loadPhotoStorageConfig = () => loadConfig(photoStorageConfigSchema);
