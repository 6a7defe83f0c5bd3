/**
 * An in-memory RosterStore for the use-case tests, with the Mongo adapter's rules: people keyed by
 * outid within a school, a re-import writes only changed people, member ids survive re-imports.
 */
import { matchableName, RosterMember, RosterPerson, School } from '../domain/roster';
import { BatchOutcome, RosterImportSession, RosterStore } from './ports';

export class MemoryRosterStore implements RosterStore {
  readonly schools = new Map<string, School>();
  readonly people: RosterMember[] = [];
  /** Sizes of the batches written, in order. */
  readonly batches: number[] = [];
  private nextMember = 1;
  private nextDept = 1;
  private readonly deptIds = new Map<string, number>();

  async findSchool(partnerId: string, customerCode: string) {
    return this.schools.get(`${partnerId}/${customerCode}`);
  }
  async saveSchool(school: School) {
    this.schools.set(`${school.partnerId}/${school.customerCode}`, school);
  }
  async findByOutid(partnerId: string, customerCode: string, outid: string) {
    return this.people.find((p) => p.partnerId === partnerId && p.customerCode === customerCode && p.outid === outid);
  }
  async findByNameAndOutid(partnerId: string, name: string, outid: string) {
    return this.people.filter((p) => p.partnerId === partnerId && p.outid === outid && matchableName(p.name) === matchableName(name));
  }
  async findByIdNumber(partnerId: string, idNumber: string) {
    return this.people.filter((p) => p.partnerId === partnerId && p.idNumber === idNumber);
  }
  async findListingRelative(partnerId: string, idNumber: string) {
    return this.people.filter((p) => p.partnerId === partnerId && p.relatives.some((r) => r.idNumber === idNumber));
  }

  /** Puts people straight on a roster (for matching tests). */
  add(partnerId: string, customerCode: string, person: RosterPerson): RosterMember {
    const member = this.member(partnerId, customerCode, `m${this.nextMember++}`, person);
    this.people.push(member);
    return member;
  }

  private member(partnerId: string, customerCode: string, memberId: string, person: RosterPerson): RosterMember {
    const departments = person.departments.map((d) => {
      const key = `${partnerId}/${customerCode}/${d.name}`;
      if (!this.deptIds.has(key)) this.deptIds.set(key, this.nextDept++);
      return { ...d, deptId: this.deptIds.get(key)! };
    });
    return { ...person, departments, memberId, partnerId, customerCode };
  }

  async openImport(partnerId: string, customerCode: string): Promise<RosterImportSession> {
    const seen = new Set<string>();
    const inSchool = () => this.people.filter((p) => p.partnerId === partnerId && p.customerCode === customerCode);
    return {
      apply: async (people: readonly RosterPerson[]): Promise<BatchOutcome> => {
        this.batches.push(people.length);
        const outcome = { inserted: 0, updated: 0, unchanged: 0 };
        for (const person of people) {
          seen.add(person.outid);
          const index = this.people.findIndex((p) => p.partnerId === partnerId && p.customerCode === customerCode && p.outid === person.outid);
          if (index < 0) {
            this.add(partnerId, customerCode, person);
            outcome.inserted++;
            continue;
          }
          const current = this.people[index];
          const next = this.member(partnerId, customerCode, current.memberId, person);
          if (JSON.stringify(next) === JSON.stringify(current)) {
            outcome.unchanged++;
          } else {
            this.people[index] = next;
            outcome.updated++;
          }
        }
        return outcome;
      },
      removeMissing: async () => {
        const gone = inSchool().filter((p) => !seen.has(p.outid));
        for (const p of gone) this.people.splice(this.people.indexOf(p), 1);
        return gone.length;
      },
    };
  }
}
