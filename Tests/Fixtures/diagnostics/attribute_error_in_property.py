class Box:
    @property
    def area(self):
        return self.width * self.height


print(Box().area)
