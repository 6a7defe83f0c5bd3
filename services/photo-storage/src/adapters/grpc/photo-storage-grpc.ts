import { photo } from '@kyc/contracts';
import { invalidArgument, Logger } from '@kyc/core';
import { ServiceRegistration, unary } from '@kyc/grpc-kit';
import { PhotoRepository } from '../mongo/photo-repository';

export function photoStorageGrpc(deps: { photos: PhotoRepository; logger: Logger }): ServiceRegistration {
  const implementation: Pick<photo.PhotoStorageServiceServer, 'listPhotos'> = {
    listPhotos: unary(deps.logger, async (req: photo.ListPhotosRequest) => {
      if (!req.subjectId) throw invalidArgument('KYC.REQUEST.SUBJECT_REQUIRED', 'subject_id is required');
      const docs = await deps.photos.list(req.subjectId);
      return {
        photos: docs.map((d) => ({
          photoType: d.photoType,
          photoNumber: d.photoNumber,
          contentType: d.contentType,
          sizeBytes: d.sizeBytes,
          width: 0,
          height: 0,
        })),
      };
    }),
  };
  return { name: 'kyc.photo.v1.PhotoStorageService', definition: photo.PhotoStorageServiceService, implementation: implementation as never };
}
