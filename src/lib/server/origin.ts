import { readConfig } from './config';

const configured = process.env.ORIGIN ? readConfig().origin : undefined;

/** The origin for links people open elsewhere (join links, QR codes): ORIGIN if set. */
export function publicOrigin(requestUrl: URL): string {
	return configured ?? requestUrl.origin;
}
