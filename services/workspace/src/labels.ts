import type {
  ClosingResult,
  ConcernCode,
  ContactChannel,
  DeclineReason,
  PartOfDay,
  SignalKind,
  Urgency,
} from '@vangnet/contracts/codes';
import type { ReferralStatus } from '@vangnet/contracts/http/referrals';

/**
 * Dutch labels of the shared codes. Typed as complete records, so a code
 * added to packages/contracts fails the typecheck here until it has a label.
 * Closing results follow the DDAS model's Dutch names.
 */
export const statusLabels: Record<ReferralStatus, string> = {
  routed: 'Nieuw',
  accepted: 'Geaccepteerd',
  in_progress: 'In behandeling',
  declined: 'Afgewezen',
  expired: 'Verlopen',
  transferred: 'Overgedragen',
  closed: 'Afgesloten',
};

export const urgencyLabels: Record<Urgency, string> = { crisis: 'Crisis', urgent: 'Urgent', regular: 'Regulier' };

export const closingResultLabels: Record<ClosingResult, string> = {
  repeat: 'Herhaalsignaal',
  unjustified: 'Onterecht signaal',
  other_reason: 'Andere reden',
  deceased: 'Overleden',
  not_resident: 'Niet woonachtig in de gemeente (doorgestuurd)',
  known_to_debt_help: 'Al bekend bij schuldhulpverlening',
  other_trajectory: 'Ander traject',
  no_contact_final: 'Geen contact gekregen (definitief)',
  quick_fix: 'Opgelost binnen 30 dagen (quick fix)',
  follow_up_financial: 'Vervolg: financiële hulpverlening',
  follow_up_non_financial: 'Vervolg: niet-financiële hulpverlening',
  referred_without_contact: 'Doorverwezen zonder contact',
};

export const declineReasonLabels: Record<DeclineReason, string> = {
  outside_our_area: 'Buiten ons werkgebied',
  not_our_specialism: 'Niet ons specialisme',
  no_capacity: 'Geen capaciteit',
  already_in_care: 'Al in zorg bij een ander team of andere dienst',
  insufficient_information: 'Onvoldoende informatie',
  conflict_of_interest: 'Belangenverstrengeling',
  other: 'Andere reden',
};

export const channelLabels: Record<ContactChannel, string> = {
  letter: 'Brief',
  phone: 'Telefoon',
  text_message: 'Sms of WhatsApp',
  email: 'E-mail',
  home_visit: 'Huisbezoek',
  card: 'Kaartje in de bus',
  administrative: 'Administratief',
  other: 'Anders',
};

export const partOfDayLabels: Record<PartOfDay, string> = { morning: 'Ochtend', afternoon: 'Middag', evening: 'Avond' };

export const signalKindLabels: Record<SignalKind, string> = {
  rent: 'Huurachterstand',
  energy: 'Energie',
  water: 'Drinkwater',
  health_insurance: 'Zorgverzekering',
  cak: 'CAK',
  duo: 'DUO',
  tax_office: 'Belastingdienst',
  benefits_office: 'Toeslagen',
  mortgage: 'Hypotheek',
  other_creditor: 'Andere schuldeiser',
  school_absence: 'Schoolverzuim',
  gp_referral: 'Verwijzing huisarts (Welzijn op Recept)',
  neighbourhood_concern: 'Zorg uit de buurt',
};

export const concernLabels: Record<ConcernCode, string> = {
  loneliness: 'Eenzaamheid',
  low_mood: 'Sombere stemming',
  stress: 'Stress',
  grief: 'Rouw',
  lack_of_daily_structure: 'Gebrek aan dagstructuur',
  money_worries: 'Geldzorgen',
  housing: 'Wonen',
  work_or_daytime_activity: 'Werk of dagbesteding',
  physical_activity: 'Bewegen',
  caregiver_burden: 'Mantelzorgbelasting',
  parenting: 'Opvoeding',
  language_or_literacy: 'Taal of laaggeletterdheid',
  social_participation: 'Meedoen in de buurt',
  other: 'Anders',
};

const historyActionLabels: Record<string, string> = {
  route: 'Toegewezen door de router',
  routed: 'Toegewezen door de router',
  accept: 'Geaccepteerd',
  decline: 'Afgewezen',
  expire: 'Termijn verlopen',
  escalate: 'Geëscaleerd',
  transfer: 'Overgedragen',
  record_contact: 'Contactpoging vastgelegd',
  close: 'Afgesloten',
  routing_failed: 'Routering mislukt',
};

const actorLabels: Record<string, string> = {
  team: 'Team',
  coordinator: 'Coördinator',
  timer: 'Termijnbewaking',
  router: 'Router',
};

const queueReasonLabels: Record<string, string> = {
  no_neighbourhood_for_address: 'Adres valt in geen bekende buurt',
  no_matching_rule: 'Geen routeringsregel past',
  all_teams_at_capacity: 'Alle passende teams zitten vol',
  at_capacity: 'Het passende team zit vol',
  no_team_left: 'Geen team meer over (alle teams hadden het al)',
  transfer_refused: 'Overdracht geweigerd',
  too_many_attempts: 'Te vaak doorgestuurd',
  escalated: 'Geëscaleerd: niet op tijd geaccepteerd',
};

const partnerKindLabels: Record<string, string> = {
  landlord: 'Verhuurder',
  energy: 'Energieleverancier',
  water: 'Drinkwaterbedrijf',
  health_insurer: 'Zorgverzekeraar',
  school: 'School',
  gp: 'Huisartsenpraktijk',
};

/** A label, or the code itself where a newer code has none yet (never an empty cell). */
export const labelOf = (labels: Record<string, string>, code: string | undefined | null) =>
  code ? (labels[code] ?? code) : '';

export const historyActionLabel = (code: string) => labelOf(historyActionLabels, code);
export const actorLabel = (code: string) => labelOf(actorLabels, code);
export const queueReasonLabel = (code: string) => labelOf(queueReasonLabels, code);
export const partnerKindLabel = (code: string) => labelOf(partnerKindLabels, code);

const dateFormat = new Intl.DateTimeFormat('nl-NL', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'Europe/Amsterdam',
});
const dateTimeFormat = new Intl.DateTimeFormat('nl-NL', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'Europe/Amsterdam',
});
const euro = new Intl.NumberFormat('nl-NL', { style: 'currency', currency: 'EUR' });

/** An ISO date (YYYY-MM-DD) as a Dutch date; read at noon UTC so no time zone moves it a day. */
export const formatDate = (isoDate: string) => dateFormat.format(new Date(`${isoDate.slice(0, 10)}T12:00:00Z`));
export const formatDateTime = (iso: string) => dateTimeFormat.format(new Date(iso));
export const formatEuro = (amount: number) => euro.format(amount);
