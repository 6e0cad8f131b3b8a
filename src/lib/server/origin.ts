import { readConfig } from './config';

const { origin } = readConfig();

/** The origin for links people open elsewhere (join links, QR codes): ORIGIN if set. */
export function publicOrigin(requestUrl: URL): string {
	return origin ?? requestUrl.origin;
}
