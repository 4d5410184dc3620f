// The demo forms: a WASH water-point check usable everywhere and a household survey for the two
// camps, between them every question type and a few conditions, so a newcomer sees forms at once.
import type { FormDefinition } from '@/protocol/forms';

const CAMP_NORTH = '0193a000-0000-7000-8000-00000000c001';
const CAMP_SOUTH = '0193a000-0000-7000-8000-00000000c002';

export interface DemoForm {
  readonly id: string;
  readonly title: string;
  readonly entityIds: string[] | null;
  readonly definition: FormDefinition;
}

const yesNo = [
  { value: 'yes', label: 'Yes' },
  { value: 'no', label: 'No' },
];

export const WATER_POINT_FORM: DemoForm = {
  id: '0193a000-0000-7000-8000-00000000f001',
  title: 'WASH water point check',
  entityIds: null,
  definition: {
    questions: [
      { id: 'visit_date', type: 'date', label: 'Date of the visit', required: true, min: '2020-01-01' },
      { id: 'location', type: 'location', label: 'Location of the water point', required: true },
      {
        id: 'point_type',
        type: 'single_choice',
        label: 'Type of water point',
        required: true,
        choices: [
          { value: 'handpump', label: 'Hand pump' },
          { value: 'tapstand', label: 'Tap stand' },
          { value: 'protected_well', label: 'Protected well' },
          { value: 'tank', label: 'Storage tank' },
        ],
      },
      { id: 'functional', type: 'single_choice', label: 'Is the water point working?', required: true, choices: yesNo },
      {
        id: 'faults',
        type: 'multiple_choice',
        label: 'What is not working?',
        required: true,
        showIf: { questionId: 'functional', equals: 'no' },
        minSelected: 1,
        choices: [
          { value: 'pump', label: 'Pump or handle' },
          { value: 'pipes', label: 'Pipes or taps leaking' },
          { value: 'no_water', label: 'No water (source dry)' },
          { value: 'apron', label: 'Cracked apron or drainage' },
        ],
      },
      { id: 'free_chlorine', type: 'number', label: 'Free residual chlorine', help: 'Measured at the tap, 30 minutes after chlorination', min: 0, max: 5, unit: 'mg/L' },
      { id: 'queue_minutes', type: 'number', label: 'Waiting time at the point', integer: true, min: 0, max: 600, unit: 'minutes' },
      { id: 'photos', type: 'photo', label: 'Photos of the water point', minCount: 1, maxCount: 4, required: true },
      { id: 'notes', type: 'text', label: 'Notes', multiline: true, maxLength: 2000 },
    ],
  },
};

export const HOUSEHOLD_SURVEY_FORM: DemoForm = {
  id: '0193a000-0000-7000-8000-00000000f002',
  title: 'Household survey',
  entityIds: [CAMP_NORTH, CAMP_SOUTH],
  definition: {
    questions: [
      { id: 'head_name', type: 'text', label: 'Name of the head of household', required: true, maxLength: 120 },
      { id: 'members', type: 'number', label: 'Number of people in the household', required: true, integer: true, min: 1, max: 40, unit: 'people' },
      { id: 'children_under5', type: 'number', label: 'Children under five', integer: true, min: 0, max: 20 },
      { id: 'arrival_date', type: 'date', label: 'Date of arrival in the camp' },
      {
        id: 'shelter',
        type: 'single_choice',
        label: 'Type of shelter',
        required: true,
        choices: [
          { value: 'tent', label: 'Tent' },
          { value: 'transitional', label: 'Transitional shelter' },
          { value: 'host_family', label: 'With a host family' },
          { value: 'none', label: 'No shelter' },
        ],
      },
      {
        id: 'priority_needs',
        type: 'multiple_choice',
        label: 'Priority needs',
        required: true,
        minSelected: 1,
        maxSelected: 3,
        choices: [
          { value: 'food', label: 'Food' },
          { value: 'water', label: 'Water' },
          { value: 'shelter', label: 'Shelter' },
          { value: 'health', label: 'Health care' },
          { value: 'education', label: 'Education' },
          { value: 'protection', label: 'Protection' },
        ],
      },
      { id: 'health_concern', type: 'text', label: 'Which health concern?', showIf: { questionId: 'priority_needs', in: ['health'] }, required: true, maxLength: 500 },
      { id: 'consent_photo', type: 'single_choice', label: 'Does the household agree to a photo of the shelter?', choices: yesNo },
      { id: 'shelter_photo', type: 'photo', label: 'Photo of the shelter', showIf: { questionId: 'consent_photo', equals: 'yes' }, maxCount: 1 },
    ],
  },
};

export const DEMO_FORMS: readonly DemoForm[] = [WATER_POINT_FORM, HOUSEHOLD_SURVEY_FORM];
