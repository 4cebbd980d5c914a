// The audit trail in words: each action code as a sentence a reviewer reads
// without knowing the code, and a link to the object where the app has a
// page for it. Codes not listed (a newer server) show as they are.
import type { AuditEvent } from '../../api.ts'

const PHRASES: Record<string, string> = {
  'answer.put': 'answered a checklist item',
  'assurance_document.add': 'recorded an assurance document',
  'assurance_document.archive': 'archived an assurance document',
  'assurance_document.attach_file': 'attached the file of an assurance document',
  'assurance_document.confirm_cuec': 'confirmed (or unconfirmed) a complementary user entity control',
  'assurance_document.download': 'downloaded the file of an assurance document',
  'assurance_document.update': 'edited an assurance document',
  'catalogue.export': 'exported the custodian catalogue',
  'custodian.create': 'added a custodian to the catalogue',
  'custodian.update': 'edited a catalogue entry',
  'evaluation.add_candidate': 'added a candidate to an evaluation',
  'evaluation.approve': 'approved a shortlist',
  'evaluation.create': 'opened an evaluation',
  'evaluation.export': 'exported an evaluation',
  'evaluation.open_rediligence': 'started a re-diligence of a custody relationship',
  'evaluation.remove_candidate': 'removed a candidate from an evaluation',
  'evaluation.return': 'returned a shortlist to the officer',
  'evaluation.submit': 'submitted an evaluation for approval',
  'evaluation.update': 'edited the details of an evaluation',
  'evaluation.withdraw': 'withdrew a submission before any decision',
  'evidence.add': 'attached evidence',
  'evidence.download': 'downloaded evidence',
  'evidence.remove': 'removed evidence from a draft',
  'invitation.create': 'invited a custodian to answer its questionnaire',
  'invitation.open': 'opened a questionnaire invitation (the custodian)',
  'invitation.revoke': 'revoked a questionnaire invitation',
  'membership.create': 'gave a team role',
  'membership.delete': 'took away a team role',
  'memo.download': 'downloaded a memo',
  'memo.issue': 'issued a signed memo',
  'red_flag.raise': 'raised a red flag',
  'red_flag.update': 'changed the status of a red flag',
  'red_flag.withdraw': 'withdrew a red flag raised by mistake',
  'relationship.appoint': 'recorded a custody relationship',
  'relationship.end': 'ended a custody relationship',
  'relationship.review': 'recorded the review of a custody relationship',
  'relationship.update': 'edited a custody relationship',
  'response.accept': "accepted a custodian's answer as the team's answer",
  'response.add_document': 'uploaded a document with an answer (the custodian)',
  'response.clarify': 'asked the custodian to clarify an answer',
  'response.download_document': "downloaded a document from a custodian's answers",
  'response.save': 'saved a draft answer (the custodian)',
  'response.submit': 'submitted its answers to the team (the custodian)',
  'score.put': 'scored a criterion',
  'session.login': 'signed in',
  'session.login_failed': 'failed to sign in',
  'session.login_sso': 'signed in through single sign-on',
  'session.logout': 'signed out',
  'shortlist.put': 'saved the shortlist',
  'team.create': 'created a team',
  'team.update': 'changed team settings',
  'template.create': 'wrote a new template version',
  'token.create': 'created an API token',
  'token.revoke': 'revoked an API token',
  'user.create': 'created an account',
  'user.password_change': 'changed their password',
  'user.update': 'changed an account',
}

/** ACTIONS lists the action codes the app knows, for the action filter. */
export const ACTIONS = Object.keys(PHRASES).sort()

/** phrase is what the actor did, in words. */
export function phrase(action: string): string {
  return PHRASES[action] ?? action
}

/** objectLink is the app's page for the event's object, if it has one. */
export function objectLink(e: AuditEvent): { to: string; label: string } | null {
  if (!/^\d+$/.test(e.object_id)) return null
  if (e.object_type === 'evaluation') return { to: `/evaluations/${e.object_id}`, label: `evaluation #${e.object_id}` }
  if (e.object_type === 'custodian') return { to: `/custodians/${e.object_id}`, label: `custodian #${e.object_id}` }
  return null
}
