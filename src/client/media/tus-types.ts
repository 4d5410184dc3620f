// The shapes tus-js-client expects for its pluggable parts, taken from its Upload constructor
// (the package exports the classes, not all of these interfaces).
import type { Upload } from 'tus-js-client';

export type TusOptions = NonNullable<ConstructorParameters<typeof Upload>[1]>;
export type TusUrlStorage = NonNullable<TusOptions['urlStorage']>;
export type TusFileReader = NonNullable<TusOptions['fileReader']>;
export type TusPreviousUpload = Awaited<ReturnType<TusUrlStorage['findAllUploads']>>[number];
export type { HttpRequest as TusHttpRequest, HttpResponse as TusHttpResponse, HttpStack as TusHttpStack } from 'tus-js-client';
