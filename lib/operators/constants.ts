/** Shared by server and browser code (no server imports here). */
export const SETUP_LINK_MINUTES = 30;
export const INVITATION_MINUTES = { min: 5, max: 30 * 24 * 60, default: 24 * 60 } as const;
/** How long a browser session lasts at most, whatever the operator does. */
export const SESSION_MAX_AGE_SECONDS = 8 * 60 * 60;
