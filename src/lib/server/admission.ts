/**
 * Admission: in a workshop that requires it, a joiner waits until the facilitator lets them
 * in (participant.admitted_at). Until then they have a session (to be told when they are in)
 * and nothing else: every guard that lets a participant take part refuses them with this.
 */
export const NOT_ADMITTED =
	'The facilitator has not let you in yet. Wait on the workshop’s page until they do.';
