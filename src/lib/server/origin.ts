import QRCode from 'qrcode';
import { readConfig } from './config';

const { origin } = readConfig();

/** The origin for links people open elsewhere (join links, QR codes): ORIGIN if set. */
export function publicOrigin(requestUrl: URL): string {
	return origin ?? requestUrl.origin;
}

/** The workshop's join link and its QR code (SVG, made on the server: no script needed). */
export async function joinLink(requestUrl: URL, joinCode: string) {
	const joinUrl = `${publicOrigin(requestUrl)}/j/${joinCode}`;
	const qrSvg = await QRCode.toString(joinUrl, {
		type: 'svg',
		margin: 1,
		errorCorrectionLevel: 'M'
	});
	return { joinUrl, qrSvg };
}
