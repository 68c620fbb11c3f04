/** Audit entry types of the machines domain, in one place so the Console and tests agree. */
export const MACHINE_EVENTS = {
  ticketCreated: "enrollment_ticket.created",
  ticketRevoked: "enrollment_ticket.revoked",
  registered: "machine.registered",
  enrolled: "machine.enrolled",
  confirmed: "machine.confirmed",
  activated: "machine.activated",
  suspended: "machine.suspended",
  resumed: "machine.resumed",
  revoked: "machine.revoked",
  rekeyed: "machine.rekeyed",
  permissionsChanged: "machine.permissions_changed",
} as const;
