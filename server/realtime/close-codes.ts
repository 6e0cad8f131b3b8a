/**
 * WebSocket close codes the realtime server uses. The stock y-websocket provider reconnects
 * after any code except 4400–4499, which by its convention mean "reconnecting will not help".
 */
export const CLOSE = {
	/** A text frame, or a message type the protocol does not have. */
	unsupportedData: 1003,
	/** Truncated or malformed bytes. */
	invalidPayload: 1007,
	/** Too many messages or bytes: the client is flooding. */
	policyViolation: 1008,
	/** A frame over the size limit (ws sends this itself for frames over `maxPayload`). */
	tooBig: 1009,
	/** The server is shutting down or restarting: reconnect to the next process. */
	serviceRestart: 1012,
	/** The client reads too slowly and its send buffer is full. */
	tryAgainLater: 1013,
	/**
	 * The member's place in the workshop changed (moved to another team): reconnect, and the
	 * upgrade decides access again from the database. Outside 44xx, so clients retry.
	 */
	membershipChanged: 4000,
	/**
	 * The client sent a board edit it may not make (another team's text, a card): it was
	 * refused whole, and the client's copy now holds what the server never will. Reconnecting
	 * with that copy would be refused again (hence 44xx, which stops the stock provider); the
	 * app's client starts over from the server's copy and reconnects (doc-connection.svelte.ts).
	 */
	editRefused: 4409,
	/** The session behind the connection ended (signed out, removed, expired). */
	sessionEnded: 4401,
	/** The member may no longer receive this document (e.g. another team's board went private). */
	accessRevoked: 4403,
	/** The document no longer exists (its workshop was deleted). */
	documentDeleted: 4404,
	/**
	 * The page was built for other document shapes than this server's (a tab left open across a
	 * release): it must reload to get the current build (src/lib/collab/compat.ts).
	 */
	outdatedClient: 4426
} as const;
