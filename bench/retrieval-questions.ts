/**
 * A small mixed knowledge base (an HR handbook, an IT help desk, travel rules, a vet's leaflet, a lease,
 * a clinic's notes, a shop's policies) and questions with their known answer. Half the questions use
 * the document's own words; half ask the same in other words (synonyms the test embedding knows, see
 * packages/testkit/src/concept-embedding.ts), as people do.
 */
export const DOCUMENTS: Record<string, string> = {
  laptopRefund:
    'Employees get a reimbursement for a laptop they buy for work, up to 1200 euros, if the invoice is handed in within 30 days.',
  holidayDays:
    'Every employee has 28 days of holiday per year; unused days expire at the end of March of the next year.',
  sickLeave:
    'When you are ill, tell your manager before 9 am; from the fourth day of illness a note from a doctor is required.',
  salaryDate:
    'Salary is paid on the 25th of each month; when that day is a Sunday, it is paid on the Friday before.',
  passwordReset:
    'If you forgot your password, open the portal, choose "reset" and enter the code sent to your phone.',
  brokenScreen: 'A broken screen is repaired by the help desk within two days; bring the device to room 114.',
  batteryIssue: 'A battery that no longer holds a charge is replaced for free during the first two years.',
  vpnLogin: 'To log in from home, start the VPN client first, then sign in with your badge number.',
  flightBooking:
    'Flights are booked through the travel desk; economy class for trips under six hours, business class above.',
  hotelCap: 'Hotels are paid up to 150 euros per night in Europe and 200 euros per night elsewhere.',
  mealAllowance: 'On a business trip each meal is covered up to 25 euros; keep the receipts.',
  lateTrain: 'When a train is delayed by more than an hour, the traveller may take a taxi to the office.',
  puppyVaccines:
    'A puppy gets its first vaccines at eight weeks and a booster at twelve weeks; rabies follows at four months.',
  kittenFood: 'A kitten eats four small meals a day until it is six months old.',
  dogWalks: 'Large dogs need at least two walks of an hour each day.',
  rentIncrease:
    'The rent may be raised once a year, by at most the rate of inflation, with two months of notice.',
  leaseEnd: 'Tenants who want to end the lease must give three months of notice in writing.',
  deposit: 'The deposit of two months of rent is returned within six weeks after the keys are handed back.',
  heartCheck:
    'Patients over fifty are offered a cardiac check every two years, with an ECG and a blood test.',
  kidneyDiet: 'People with renal disease should limit salt and potassium in their food.',
  medicineDose: 'Take the medication twice a day with food; never double a missed dose.',
  parcelLate: 'If your parcel arrives more than five days late, the shipping cost is refunded automatically.',
  cancelPlan: 'A subscription can be cancelled at any time; it ends at the end of the month it was paid for.',
  refundWindow: 'Items bought in the shop can be returned within 30 days for a full refund with the receipt.',
};

export interface Question {
  question: string;
  answer: keyof typeof DOCUMENTS;
  /** Asked with the document's words, or with other words for the same thing. */
  wording: 'same' | 'other';
}

/** For each document asked about: the question in its own words, then (mostly) in other words. */
const ASKED: Record<string, [same: string, other?: string]> = {
  laptopRefund: [
    'laptop reimbursement invoice',
    'Do staff get money back when they purchase a notebook computer?',
  ],
  holidayDays: ['holiday days per year', 'How much vacation leave does a worker have?'],
  sickLeave: ['doctor note illness', 'What should I do when I am sick and cannot come in?'],
  salaryDate: ['When is the salary paid?', 'On which day do wages arrive?'],
  passwordReset: ['forgot password reset', 'I lost my passphrase, how do I recover my credentials?'],
  brokenScreen: ['broken screen repaired', 'Who will fix my defective display?'],
  batteryIssue: ['battery replaced', 'My notebook no longer charges'],
  vpnLogin: ['VPN log in from home', 'How do I authenticate when working remotely at my residence?'],
  flightBooking: ['business class flights', 'Which seat on the plane may I take for a long journey?'],
  hotelCap: ['hotel per night', 'What accommodation cost is covered?'],
  mealAllowance: ['meal receipts business trip', 'How much can I spend on food while I travel?'],
  lateTrain: ['train delayed taxi', 'My train is late, what now?'],
  puppyVaccines: ['puppy vaccines', 'When should my young canine get its shots?'],
  kittenFood: ['kitten meals', 'How often should I feed my little cat?'],
  rentIncrease: ['rent raised inflation', 'Can the landlord increase the lease price?'],
  leaseEnd: ['end the lease notice', 'How do I terminate my tenancy agreement?'],
  deposit: ['deposit returned'],
  heartCheck: ['cardiac check ECG', 'Is there a heart screening for older patients?'],
  kidneyDiet: ['renal disease salt', 'What should someone with kidney illness eat?'],
  medicineDose: ['missed dose medication', 'How many pills per day?'],
  parcelLate: ['parcel late shipping refunded', 'My package delivery is overdue'],
  cancelPlan: ['cancel subscription', 'How do I terminate my membership?'],
  refundWindow: [
    'items returned full refund receipt',
    'Can I get a reimbursement for something I purchased?',
  ],
};

export const QUESTIONS: Question[] = Object.entries(ASKED).flatMap(([answer, [same, other]]) => [
  { question: same, answer, wording: 'same' as const },
  ...(other ? [{ question: other, answer, wording: 'other' as const }] : []),
]);
