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

export const QUESTIONS: Question[] = [
  { question: 'laptop reimbursement invoice', answer: 'laptopRefund', wording: 'same' },
  {
    question: 'Do staff get money back when they purchase a notebook computer?',
    answer: 'laptopRefund',
    wording: 'other',
  },
  { question: 'holiday days per year', answer: 'holidayDays', wording: 'same' },
  { question: 'How much vacation leave does a worker have?', answer: 'holidayDays', wording: 'other' },
  { question: 'doctor note illness', answer: 'sickLeave', wording: 'same' },
  { question: 'What should I do when I am sick and cannot come in?', answer: 'sickLeave', wording: 'other' },
  { question: 'When is the salary paid?', answer: 'salaryDate', wording: 'same' },
  { question: 'On which day do wages arrive?', answer: 'salaryDate', wording: 'other' },
  { question: 'forgot password reset', answer: 'passwordReset', wording: 'same' },
  {
    question: 'I lost my passphrase, how do I recover my credentials?',
    answer: 'passwordReset',
    wording: 'other',
  },
  { question: 'broken screen repaired', answer: 'brokenScreen', wording: 'same' },
  { question: 'Who will fix my defective display?', answer: 'brokenScreen', wording: 'other' },
  { question: 'battery replaced', answer: 'batteryIssue', wording: 'same' },
  { question: 'My notebook no longer charges', answer: 'batteryIssue', wording: 'other' },
  { question: 'VPN log in from home', answer: 'vpnLogin', wording: 'same' },
  {
    question: 'How do I authenticate when working remotely at my residence?',
    answer: 'vpnLogin',
    wording: 'other',
  },
  { question: 'business class flights', answer: 'flightBooking', wording: 'same' },
  {
    question: 'Which seat on the plane may I take for a long journey?',
    answer: 'flightBooking',
    wording: 'other',
  },
  { question: 'hotel per night', answer: 'hotelCap', wording: 'same' },
  { question: 'What accommodation cost is covered?', answer: 'hotelCap', wording: 'other' },
  { question: 'meal receipts business trip', answer: 'mealAllowance', wording: 'same' },
  { question: 'How much can I spend on food while I travel?', answer: 'mealAllowance', wording: 'other' },
  { question: 'train delayed taxi', answer: 'lateTrain', wording: 'same' },
  { question: 'My train is late, what now?', answer: 'lateTrain', wording: 'other' },
  { question: 'puppy vaccines', answer: 'puppyVaccines', wording: 'same' },
  { question: 'When should my young canine get its shots?', answer: 'puppyVaccines', wording: 'other' },
  { question: 'kitten meals', answer: 'kittenFood', wording: 'same' },
  { question: 'How often should I feed my little cat?', answer: 'kittenFood', wording: 'other' },
  { question: 'rent raised inflation', answer: 'rentIncrease', wording: 'same' },
  { question: 'Can the landlord increase the lease price?', answer: 'rentIncrease', wording: 'other' },
  { question: 'end the lease notice', answer: 'leaseEnd', wording: 'same' },
  { question: 'How do I terminate my tenancy agreement?', answer: 'leaseEnd', wording: 'other' },
  { question: 'deposit returned', answer: 'deposit', wording: 'same' },
  { question: 'cardiac check ECG', answer: 'heartCheck', wording: 'same' },
  { question: 'Is there a heart screening for older patients?', answer: 'heartCheck', wording: 'other' },
  { question: 'renal disease salt', answer: 'kidneyDiet', wording: 'same' },
  { question: 'What should someone with kidney illness eat?', answer: 'kidneyDiet', wording: 'other' },
  { question: 'missed dose medication', answer: 'medicineDose', wording: 'same' },
  { question: 'How many pills per day?', answer: 'medicineDose', wording: 'other' },
  { question: 'parcel late shipping refunded', answer: 'parcelLate', wording: 'same' },
  { question: 'My package delivery is overdue', answer: 'parcelLate', wording: 'other' },
  { question: 'cancel subscription', answer: 'cancelPlan', wording: 'same' },
  { question: 'How do I terminate my membership?', answer: 'cancelPlan', wording: 'other' },
  { question: 'items returned full refund receipt', answer: 'refundWindow', wording: 'same' },
  {
    question: 'Can I get a reimbursement for something I purchased?',
    answer: 'refundWindow',
    wording: 'other',
  },
];
