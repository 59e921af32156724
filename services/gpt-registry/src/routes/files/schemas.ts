import { Uuid } from '@chatty/shared';
import Type from 'typebox';

export const FileIdParams = Type.Object({ fileId: Uuid });
