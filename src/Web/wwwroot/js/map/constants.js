// The map's fixed vocabulary: participant kinds, their colours, the choropleth's palette and class limits.

export const KINDS = ['resident', 'school', 'business', 'organisation', 'city', 'knowledgeInstitution'];

// Darkened Okabe–Ito hues, the same as the site's swatches (src/Web/Texts/SiteFormat.cs): each at least 3:1 against the
// white halo a ring is drawn on and the map's background (WCAG 1.4.11), and neighbours in the legend alternate light
// and dark (at least 1.8:1 between them) so they stay apart without colour vision. Checked by MapAccessibilityTests.
export const KIND_COLOURS = {
  resident: '#B86E00',
  school: '#1F4E9A',
  business: '#008A63',
  organisation: '#5E2A7E',
  city: '#0A7FB8',
  knowledgeInstitution: '#8F2A0A',
};

// The stain: a neutral slate ramp from paper to ink, which none of the kind colours resembles.
export const PALETTE = ['#f7f7f3', '#dde2e6', '#c0c8d1', '#9ba7b5', '#778596', '#566479', '#3a475b', '#222c3c'];

// Fixed class limits (upper bounds; the last class is open), so a colour keeps its meaning while the stain grows
// and during the replay: quantiles would recolour the whole city at every step.
export const COUNT_LIMITS = [0, 2, 5, 10, 25, 50, 100];
export const PER_1000_LIMITS = [0, 1, 2, 5, 10, 20, 50];
