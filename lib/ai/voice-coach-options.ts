// The voice coach's session lengths, in a leaf module the browser can import (voice-coach.ts pulls in
// the server's WebSocket client and environment).
export const SESSION_LENGTHS = [10, 30, 60, 120, 300] as const;
export const DEFAULT_SESSION_SECONDS = 30;
