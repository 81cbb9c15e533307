/** Semantic checks of one team file: references, rotation sizes, timezones and escalation chains. */
import { isRealTimezone, parseLocalDate } from './clock';
import { parseDuration } from './duration';
import { problem, type SourceFile } from './source';
import type { EscalationPolicy, Policy, PolicyProblem, TeamPolicy } from './types';

export interface Findings {
  errors: PolicyProblem[];
  warnings: PolicyProblem[];
}

const timezoneHint = 'Use an IANA timezone name such as Europe/London, America/Denver or Australia/Sydney.';

/** Rotation sizes from practice: fewer than 3 burns people out, more than about 6 and they fall out of practice. */
export const comfortableRotation = { min: 3, max: 6, hardMin: 2 };

export function checkTimezone(file: SourceFile, pointer: string, zone: string, out: Findings): void {
  if (!isRealTimezone(zone)) out.errors.push(problem(file, pointer, `"${zone}" is not a timezone`, timezoneHint));
}

/** Acknowledgement windows a person can act on: under a minute nobody can, over a day nobody is paged at all. */
export function checkAckWindow(file: SourceFile, pointer: string, text: string, what: string, out: Findings): void {
  const ms = parseDuration(text);
  if (ms < 60_000) out.warnings.push(problem(file, pointer, `${what} of ${text} is shorter than a person can acknowledge in`, 'Allow at least 1m.', 'warning'));
  if (ms > 86_400_000) out.errors.push(problem(file, pointer, `${what} of ${text} leaves an incident unanswered for over a day`, 'Use at most 24h.'));
}

function checkPerson(policy: Policy, file: SourceFile, pointer: string, personId: string, out: Findings): void {
  if (!policy.people[personId]) out.errors.push(problem(file, pointer, `person "${personId}" is not defined in any team file`, 'Add them to the members of a team, or fix the spelling.'));
}

function checkSeverity(policy: Policy, file: SourceFile, pointer: string, name: string, out: Findings): void {
  if (!policy.severities.some((severity) => severity.name === name)) {
    out.errors.push(problem(file, pointer, `severity "${name}" is not defined`, `Use one of ${policy.severities.map((s) => s.name).join(', ')} (config/severities.yaml).`));
  }
}

/** A sign-in email names one person: two people sharing one would let either act as the other. */
function checkEmail(policy: Policy, member: TeamPolicy['members'][number], file: SourceFile, pointer: string, out: Findings): void {
  if (!member.email) return;
  const email = member.email.toLowerCase();
  const other = Object.values(policy.people).find((person) => person.id !== member.id && person.email?.toLowerCase() === email);
  if (other)
    out.errors.push(problem(file, pointer, `email "${member.email}" is also ${other.id}'s (team ${other.team})`, 'Each person signs in with their own email; give each one a different address.'));
}

function checkMembers(policy: Policy, team: TeamPolicy, file: SourceFile, out: Findings): void {
  const seen = new Set<string>();
  team.members.forEach((member, index) => {
    const at = `/members/${index}`;
    if (seen.has(member.id)) out.errors.push(problem(file, `${at}/id`, `"${member.id}" is listed twice in this team`, 'Remove the duplicate.'));
    seen.add(member.id);
    const owner = policy.people[member.id];
    if (owner && owner.team !== team.id) {
      out.errors.push(problem(file, `${at}/id`, `person "${member.id}" is already defined by team ${owner.team}`, `Define each person once; reference them from other teams' rotations by id.`));
    }
    checkTimezone(file, `${at}/timezone`, member.timezone, out);
    checkEmail(policy, member, file, `${at}/email`, out);
    if (member.contacts.length === 0)
      out.warnings.push(
        problem(
          file,
          at,
          `${member.name} has no contact channel: only their console inbox (My pages) reaches them`,
          'Add an email, slack or webhook contact so a page reaches them away from the console.',
          'warning',
        ),
      );
  });
  checkPerson(policy, file, '/lead', team.lead, out);
}

function checkRotations(policy: Policy, team: TeamPolicy, file: SourceFile, out: Findings): void {
  for (const [name, rotation] of Object.entries(team.rotations)) {
    if (!rotation) continue;
    const layerNames = new Set<string>();
    rotation.layers.forEach((layer, index) => {
      const at = `/rotations/${name}/layers/${index}`;
      if (layerNames.has(layer.name)) out.errors.push(problem(file, `${at}/name`, `layer "${layer.name}" appears twice in the ${name} rotation`, 'Give each layer its own name.'));
      layerNames.add(layer.name);
      checkTimezone(file, `${at}/timezone`, layer.timezone, out);
      if (!parseLocalDate(layer.start)) out.errors.push(problem(file, `${at}/start`, `start "${layer.start}" is not a calendar date`, 'Write the date of the first handoff as YYYY-MM-DD.'));
      if (layer.hours && layer.hours.from === layer.hours.to) {
        out.errors.push(problem(file, `${at}/hours`, `hours ${layer.hours.from}–${layer.hours.to} cover nothing`, 'To cover the whole day, remove hours.'));
      }
      layer.participants.forEach((personId, position) => checkPerson(policy, file, `${at}/participants/${position}`, personId, out));
      // Each layer is a rotation of its own people (a follow-the-sun hub), so the size rule applies per layer.
      const size = new Set(layer.participants).size;
      if (size < layer.participants.length) out.warnings.push(problem(file, `${at}/participants`, `layer "${layer.name}" lists someone twice`, 'Each person should appear once per layer.', 'warning'));
      if (size < comfortableRotation.hardMin) {
        out.errors.push(
          problem(file, `${at}/participants`, `layer "${layer.name}" has ${size} person; one person cannot be on call without relief`, 'Add at least one more participant (3–6 is comfortable).'),
        );
      } else if (size < comfortableRotation.min || size > comfortableRotation.max) {
        out.warnings.push(
          problem(
            file,
            `${at}/participants`,
            `layer "${layer.name}" has ${size} people; rotations work best with 3–6`,
            size < 3 ? 'Add people so on-call comes round less often.' : 'Split the rotation so people stay in practice.',
            'warning',
          ),
        );
      }
    });
  }
}

function checkChain(policy: Policy, team: TeamPolicy, file: SourceFile, at: string, chain: EscalationPolicy, out: Findings): void {
  chain.levels.forEach((level, index) => {
    if (level.delay) checkAckWindow(file, `${at}/levels/${index}/delay`, level.delay, 'delay', out);
    level.targets.forEach((target, position) => {
      const pointer = `${at}/levels/${index}/targets/${position}`;
      if (target.kind === 'person') return checkPerson(policy, file, `${pointer}/person`, target.person, out);
      const teamId = target.team ?? team.id;
      const other = policy.teams[teamId];
      if (!other) return out.errors.push(problem(file, `${pointer}/team`, `team "${teamId}" does not exist`, 'Use the id of a file in config/teams/.'));
      if (target.kind === 'rotation' && !other.rotations[target.rotation]) {
        out.errors.push(
          problem(file, `${pointer}/rotation`, `team ${teamId} has no ${target.rotation} rotation`, `Define rotations.${target.rotation} in config/teams/${teamId}.yaml or target another rotation.`),
        );
      }
    });
  });
  const last = chain.levels[chain.levels.length - 1];
  // A rotation can be empty at some hour (a gap); a named person or a team lead always exists.
  if (last.targets.every((target) => target.kind === 'rotation')) {
    out.errors.push(
      problem(
        file,
        `${at}/levels/${chain.levels.length - 1}`,
        'the escalation chain ends at a rotation, which can have nobody on call',
        'End the chain with a person or the team lead (kind: team-lead).',
      ),
    );
  }
}

function checkEscalation(policy: Policy, team: TeamPolicy, file: SourceFile, out: Findings): void {
  checkChain(policy, team, file, '/escalation/default', team.escalation.default, out);
  for (const [severity, chain] of Object.entries(team.escalation.bySeverity ?? {})) {
    checkSeverity(policy, file, `/escalation/bySeverity/${severity}`, severity, out);
    checkChain(policy, team, file, `/escalation/bySeverity/${severity}`, chain, out);
  }
}

function checkRules(policy: Policy, team: TeamPolicy, file: SourceFile, out: Findings): void {
  team.restRule.severities.forEach((name, index) => checkSeverity(policy, file, `/restRule/severities/${index}`, name, out));
  const quiet = team.quietHours;
  if (!quiet) return;
  quiet.severities.forEach((name, index) => checkSeverity(policy, file, `/quietHours/severities/${index}`, name, out));
  const mostSevere = policy.severities[0]?.name;
  if (quiet.severities.includes(mostSevere)) {
    out.warnings.push(problem(file, '/quietHours/severities', `quiet hours would hold a ${mostSevere} page until morning`, 'Keep quiet hours for low severities.', 'warning'));
  }
  if (quiet.from === quiet.to) out.errors.push(problem(file, '/quietHours', 'quiet hours start and end at the same time', 'Set a window such as from 21:00 to 08:00.'));
}

export function checkTeam(policy: Policy, team: TeamPolicy, file: SourceFile, out: Findings): void {
  checkMembers(policy, team, file, out);
  checkRotations(policy, team, file, out);
  checkEscalation(policy, team, file, out);
  checkRules(policy, team, file, out);
}
