import { Uuid } from '@chatty/contracts';
import Type from 'typebox';

export const FileIdParams = Type.Object({ fileId: Uuid });
